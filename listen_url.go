package hookhub

// ListenHost is the reserved host of the URLs of listening sessions'
// webhooks ("hookhub listen"): requests to it go to a session's stream,
// not to the network. No other webhook may use it.
const ListenHost = "listen.hookhub.invalid"

// ListenURL is the webhook URL of a listening session.
func ListenURL(session string) string { return "http://" + ListenHost + "/" + session }
