package api

import (
	"time"

	"github.com/hookhub/hookhub"
)

// The JSON shape of an outbox e-mail.

type mailJSON struct {
	ID        int64      `json:"id"`
	WebhookID int64      `json:"webhook_id"`
	Kind      string     `json:"kind"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Text      string     `json:"text"`
	State     string     `json:"state" enum:"queued,sent,failed,logged"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

func toMail(m *hookhub.Mail) mailJSON {
	return mailJSON{
		ID: m.ID, WebhookID: m.WebhookID, Kind: m.Kind, To: m.To, Subject: m.Subject, Text: m.Text,
		State: string(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt,
		SentAt: timeOrNil(m.SentAt),
	}
}

func mailID(m *hookhub.Mail) int64 { return m.ID }
