package pubsub

// Resumer is implemented by a PubSub that can lose messages, such as one that crosses a
// network: when an outage ends, during which messages may have been published and lost,
// it calls every function registered with OnResume. The live runtime registers one that
// makes views which may have missed a message mount again.
type Resumer interface {
	OnResume(fn func()) (cancel func())
}
