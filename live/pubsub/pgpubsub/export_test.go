package pgpubsub

// WithChannel returns opts with every topic on channel name, to make topics collide.
func WithChannel(opts Options, name string) Options {
	opts.channel = func(string) string { return name }
	return opts
}
