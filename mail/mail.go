package mail

import "context"

// Sender delivers e-mail messages.
type Sender interface {
	// Send delivers m, or returns an error if it could not be handed over.
	Send(ctx context.Context, m Message) error
}
