package crm360

import (
	"strings"
	"time"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// The bodies of help desks, e-mail and SMS providers: Zendesk's ticket
// (the seed's template), Mailjet's event, Primotexto's and Smsbox's
// callbacks.

// zendeskTicketJSON is the seed's template: every value is a Zendesk
// placeholder, so every value is text.
type zendeskTicketJSON struct {
	Via       text `json:"via"`
	Title     text `json:"title"`
	ID        text `json:"id"`
	Link      text `json:"link"`
	Status    text `json:"status"`
	Type      text `json:"type"`
	Comments  text `json:"comments"`
	Requester *struct {
		FirstName text `json:"first_name"`
		LastName  text `json:"last_name"`
		Email     text `json:"email"`
		Phone     text `json:"phone"`
	} `json:"requester"`
}

func zendeskTicket(it item, p *Params) ([]crm.CRMOp, error) {
	var v zendeskTicketJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "id", string(v.ID))
	if v.Requester == nil || v.Requester.Email == "" {
		pr.Add("requester.email", "is required: the ticket is linked to the contact with this address")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	r := v.Requester
	c := &crm.Contact{FirstName: string(r.FirstName), LastName: string(r.LastName), Email: string(r.Email), Source: "Zendesk",
		Phone: phone(string(r.Phone), "")}
	t := &crm.Ticket{ExternalID: string(v.ID), Title: string(v.Title), Status: strings.ToLower(string(v.Status)),
		Type: strings.ToLower(string(v.Type)), Via: strings.ToLower(string(v.Via)), Link: string(v.Link), Comments: string(v.Comments)}
	return []crm.CRMOp{{Kind: crm.OpSaveTicket, Contact: c, Ticket: t}}, nil
}

// mailjetEventJSON is an event of Mailjet's Event API.
type mailjetEventJSON struct {
	Event          string `json:"event"`
	Time           int64  `json:"time"`
	MessageID      text   `json:"MessageID"`
	Email          string `json:"email"`
	URL            string `json:"url"`
	ErrorRelatedTo string `json:"error_related_to"`
	Error          string `json:"error"`
	HardBounce     flag   `json:"hard_bounce"`
	SMTPReply      string `json:"smtp_reply"`
	Source         string `json:"source"`
}

// mailjetStatuses maps Mailjet's events to message statuses.
var mailjetStatuses = map[string]crm.MessageStatus{
	"sent": crm.MessageSent, "open": crm.MessageOpened, "click": crm.MessageClicked, "bounce": crm.MessageBounced,
	"spam": crm.MessageSpam, "unsub": crm.MessageUnsubscribed, "blocked": crm.MessageBlocked,
}

func mailjetEvent(it item, p *Params) ([]crm.CRMOp, error) {
	var v mailjetEventJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "MessageID", string(v.MessageID), "email", v.Email)
	status, ok := mailjetStatuses[v.Event]
	if !ok {
		pr.Add("event", "must be one of sent, open, click, bounce, spam, unsub, blocked, not %q", v.Event)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	ev := crm.MessageEvent{Type: v.Event, Status: status, At: time.Unix(v.Time, 0).UTC(), Hard: v.Event == "bounce" && bool(v.HardBounce)}
	switch v.Event {
	case "click":
		ev.Detail = v.URL
	case "bounce", "blocked":
		ev.Detail = strings.Trim(v.ErrorRelatedTo+": "+v.Error, ": ")
	case "sent":
		ev.Detail = v.SMTPReply
	case "spam":
		ev.Detail = v.Source
	}
	return []crm.CRMOp{{Kind: crm.OpReport, Report: &crm.MessageReport{
		Channel: crm.ChannelEmail, Provider: "mailjet", ProviderID: string(v.MessageID), To: v.Email, Event: ev}}}, nil
}

// primotextoStatuses maps Primotexto's message states to statuses.
var primotextoStatuses = map[string]crm.MessageStatus{
	"sent": crm.MessageSent, "submitted": crm.MessageSent, "delivered": crm.MessageDelivered,
	"unsubscribed": crm.MessageUnsubscribed, "bounced": crm.MessageBounced, "opened": crm.MessageClicked,
	"reply": crm.MessageDelivered, "error": crm.MessageFailed,
}

// primotextoCallback reads Primotexto's report of a message: id, the
// recipient's identifier, its state (or status), and its date.
func primotextoCallback(it item, p *Params) ([]crm.CRMOp, error) {
	f := it.fields
	state := strings.ToLower(firstOf(f["state"], f["status"]))
	var pr hookhub.Problems
	need(&pr, "id", f["id"], "identifier", f["identifier"], "state", state)
	status, ok := primotextoStatuses[state]
	if state != "" && !ok {
		pr.Add("state", "must be one of sent, submitted, delivered, unsubscribed, bounced, opened, reply, error, not %q", state)
	}
	at, err := parseTime("date", firstOf(f["date"], f["statedate"]))
	if err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return []crm.CRMOp{{Kind: crm.OpReport, Report: &crm.MessageReport{
		Channel: crm.ChannelSMS, Provider: "primotexto", ProviderID: f["id"], To: smsNumber(f["identifier"]),
		Event: crm.MessageEvent{Type: state, Status: status, At: at},
	}}}, nil
}

// smsboxCallback reads Smsbox's delivery report: the message's
// reference, the recipient's number, the report code (accuse) and its
// time (ts). Code 0 is received, 9 in transit, any other a failure.
func smsboxCallback(it item, p *Params) ([]crm.CRMOp, error) {
	f := it.fields
	var pr hookhub.Problems
	need(&pr, "reference", f["reference"], "numero", f["numero"], "accuse", f["accuse"])
	at, err := parseTime("ts", f["ts"])
	if err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	ev := crm.MessageEvent{Type: f["accuse"], At: at}
	switch f["accuse"] {
	case "0":
		ev.Status = crm.MessageDelivered
	case "9":
		ev.Status = crm.MessageSent
	default:
		ev.Status, ev.Detail = crm.MessageFailed, smsboxFailures[f["accuse"]]
		if ev.Detail == "" {
			ev.Detail = "report code " + f["accuse"]
		}
	}
	return []crm.CRMOp{{Kind: crm.OpReport, Report: &crm.MessageReport{
		Channel: crm.ChannelSMS, Provider: "smsbox", ProviderID: f["reference"], To: smsNumber(f["numero"]), Event: ev,
	}}}, nil
}

var smsboxFailures = map[string]string{"1": "transmission failure", "2": "rejected", "3": "expired"}

// smsboxStop reads Smsbox's STOP callback: the number that answered
// STOP.
func smsboxStop(it item, p *Params) ([]crm.CRMOp, error) {
	n := it.fields["numero"]
	if n == "" {
		return nil, errorf("numero", "is required")
	}
	return []crm.CRMOp{{Kind: crm.OpOptOut, OptOut: &crm.OptOut{Channel: crm.ChannelSMS, Address: smsNumber(n)}}}, nil
}

// DefaultCountry is the country of a national phone number a platform
// sends without one: CRM360 and the platforms it serves are French, where
// hookhub's own default is the United States.
const DefaultCountry = "FR"

// phone is a number a platform sent, with its country, or for a national
// number without one DefaultCountry.
func phone(number, country string) crm.Phone {
	n := strings.TrimSpace(number)
	if country == "" && n != "" && !strings.HasPrefix(n, "+") && !strings.HasPrefix(n, "00") {
		country = DefaultCountry
	}
	return crm.Phone{Country: country, Number: number}
}

// smsNumber is a number as an SMS provider writes it (international
// without +, or national) in the form contacts are matched in.
func smsNumber(n string) string { return crm.PhoneKey(phone(n, "")) }
