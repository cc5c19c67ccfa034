// Package loadproc holds what the repository's load tools, cmd/liveload and
// cmd/loginflood, share: the server under load as a child process, what Linux
// says about that process's memory and about the machine, and the frame of a
// tool's command line.
//
// A tool starts its server with Start, after sending the server's output to a
// tail.Buffer, so that an error can quote the server's last words. The child runs on
// loopback in its own process, so that its memory is its own: ReadMemory reads
// its resident set size (VmRSS) and peak (VmHWM) from /proc, and ResetPeak
// starts a new peak. On Linux the kernel kills the child when the tool dies,
// even by SIGKILL, so no server outlives its tool.
//
// Each view or login under load holds a file descriptor in the tool and one in
// the server: RaiseNoFile raises the limit for both. Other work on the machine
// shows in every figure, so reports record LoadAvg at the start and the end.
//
// Main is a tool's exit code: it reads the flags' verdict, runs the tool with a
// context that Ctrl-C ends, and prints the report, also of a run that failed
// part way, as a table or as JSON.
//
// What differs between the tools stays in them: what the server is, how a tool
// knows that it is ready, what it measures and how it reports it.
package loadproc
