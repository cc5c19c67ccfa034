package loadproc

// Memory is a process's resident set size, now and at its peak, in bytes.
type Memory struct {
	RSS uint64 // VmRSS
	HWM uint64 // VmHWM: the peak of VmRSS since the process started or since ResetPeak
}
