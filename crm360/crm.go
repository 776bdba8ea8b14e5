package crm360

import (
	"encoding/json"
	"html"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// The bodies of Adictiz, elfy76310, Tabology, CRM360's own sends and
// Captain Wallet.

// adictizJSON is a participation in an Adictiz game, as hookhub reads it.
type adictizJSON struct {
	Email           string `json:"email"`
	FirstName       string `json:"firstname"`
	LastName        string `json:"lastname"`
	Phone           string `json:"phone"`
	Optin           flag   `json:"optin"`
	OptinSMS        flag   `json:"optin_sms"`
	GameID          text   `json:"game_id"`
	ParticipatedAt  string `json:"participated_at"`
	ParticipationID text   `json:"participation_id"`
}

func adictizParticipation(it item, p *Params) ([]crm.CRMOp, error) {
	var v adictizJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "email", v.Email, "game_id", string(v.GameID))
	at, err := parseTime("participated_at", v.ParticipatedAt)
	if err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	c := &crm.Contact{FirstName: v.FirstName, LastName: v.LastName, Email: v.Email, Source: "Adictiz", Phone: phone(v.Phone, "")}
	if v.Optin {
		c.EmailConsent = crm.ConsentGranted
	}
	if v.OptinSMS {
		c.SMSConsent = crm.ConsentGranted
	}
	act := &crm.Activity{Type: crm.ActivityParticipation, Data: it.raw, OccurredAt: at}
	return []crm.CRMOp{{Kind: crm.OpAddActivity, Contact: c, Activity: act}}, nil
}

// selectorJSON names a contact by id or by e-mail address.
type selectorJSON struct {
	ContactID text   `json:"ContactId"`
	Email     string `json:"Email"`
}

// readSelector reads the contact a body names.
func readSelector(it item) (crm.ContactSelector, error) {
	var v selectorJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return crm.ContactSelector{}, err
	}
	sel := crm.ContactSelector{Email: v.Email}
	if v.ContactID != "" {
		if err := json.Unmarshal([]byte(v.ContactID), &sel.ID); err != nil || sel.ID <= 0 {
			return sel, errorf("ContactId", "must be a contact's id, not %q", v.ContactID)
		}
	}
	return sel, nil
}

// rnvp standardises the postal addresses of the contact the body names.
func rnvp(it item, p *Params) ([]crm.CRMOp, error) {
	sel, err := readSelector(it)
	if err != nil {
		return nil, err
	}
	if sel.IsZero() {
		return nil, errorf("ContactId", "is required, or Email: the contact whose addresses to standardise")
	}
	return []crm.CRMOp{{Kind: crm.OpStandardize, Select: sel}}, nil
}

// rnvpDedup merges the duplicates of the contact the body names, or all
// the tenant's duplicates for an empty body.
func rnvpDedup(it item, p *Params) ([]crm.CRMOp, error) {
	sel, err := readSelector(it)
	if err != nil {
		return nil, err
	}
	return []crm.CRMOp{{Kind: crm.OpDedup, Select: sel}}, nil
}

func tabologyParams(p *Params, pr *hookhub.Problems) {
	need(pr, pStore, p.Store, pCurrency, p.Currency)
	if p.Currency != "" && !crm.ValidCurrency(p.Currency) {
		pr.Add(pCurrency, "must be an ISO 4217 code such as EUR, not %q", p.Currency)
	}
}

// tabologyJSON is a sale receipt ("ticket") of a Tabology till, as
// hookhub reads it.
type tabologyJSON struct {
	ID       text   `json:"id"`
	Date     string `json:"date"`
	Status   string `json:"status"` // paid (the default), refunded, cancelled
	Total    amount `json:"total"`
	Tax      amount `json:"tax"`
	Customer *struct {
		ID        text   `json:"id"`
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Phone     string `json:"phone"`
	} `json:"customer"`
	Lines []struct {
		Label     string `json:"label"`
		Quantity  amount `json:"quantity"`
		UnitPrice amount `json:"unit_price"`
	} `json:"lines"`
}

var tabologyTypes = map[string]crm.OrderType{"": crm.OrderSuccess, "paid": crm.OrderSuccess,
	"refunded": crm.OrderRefund, "cancelled": crm.OrderVoid, "pending": crm.OrderPending}

func tabologyTicket(it item, p *Params) ([]crm.CRMOp, error) {
	var v tabologyJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "id", string(v.ID), "total", string(v.Total.decimal()), "date", v.Date)
	if v.Customer == nil || v.Customer.Email == "" {
		pr.Add("customer.email", "is required: the receipt is an order of the contact with this address")
	}
	typ, ok := tabologyTypes[strings.ToLower(v.Status)]
	if !ok {
		pr.Add("status", "must be paid, refunded, cancelled or pending, not %q", v.Status)
	}
	date, err := parseTime("date", v.Date)
	if err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	cu := v.Customer
	c := &crm.Contact{FirstName: cu.FirstName, LastName: cu.LastName, Email: cu.Email, Source: "Tabology", Phone: phone(cu.Phone, "")}
	o := &crm.Order{ExternalID: p.Store + "/" + string(v.ID), Type: typ, UserID: string(cu.ID), Date: date, Total: v.Total.decimal(),
		Taxes: v.Tax.decimal(), Currency: p.Currency, Store: p.Store, Items: []crm.OrderItem{}}
	for _, l := range v.Lines {
		o.Items = append(o.Items, crm.OrderItem{Name: l.Label, Title: l.Label, Quantity: l.Quantity.decimal(), Price: l.UnitPrice.decimal()})
	}
	return []crm.CRMOp{{Kind: crm.OpSaveOrder, Contact: c, Order: o}}, nil
}

// crm360SmsJSON is the seed's body of Crm360 Sms Send.
type crm360SmsJSON struct {
	MobilePhoneNumber      text   `json:"MobilePhoneNumber"`
	MobilePhoneCountryIso3 string `json:"MobilePhoneCountryIso3"`
	Sender                 string `json:"Sender"`
	Message                string `json:"Message"`
	Crm360EventChannelID   text   `json:"Crm360EventChannelId"`
	Crm360EventCategoryID  text   `json:"Crm360EventCategoryId"`
}

// MaxSender is the longest alphanumeric SMS sender.
const MaxSender = 11

func crm360Sms(it item, p *Params) ([]crm.CRMOp, error) {
	var v crm360SmsJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	need(&pr, "MobilePhoneNumber", string(v.MobilePhoneNumber), "Message", v.Message)
	if utf8.RuneCountInString(v.Sender) > MaxSender {
		pr.Add("Sender", "must be at most %d characters, as SMS senders are", MaxSender)
	}
	if v.MobilePhoneCountryIso3 != "" && crm.CountryCode(v.MobilePhoneCountryIso3) == "" {
		pr.Add("MobilePhoneCountryIso3", "is not a country hookhub knows the calling code of: %q", v.MobilePhoneCountryIso3)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	data, _ := json.Marshal(map[string]string{ // strings: cannot fail
		"Crm360EventChannelId": string(v.Crm360EventChannelID), "Crm360EventCategoryId": string(v.Crm360EventCategoryID),
		"MobilePhoneNumber": string(v.MobilePhoneNumber), "MobilePhoneCountryIso3": v.MobilePhoneCountryIso3,
	})
	to := crm.PhoneKey(phone(string(v.MobilePhoneNumber), v.MobilePhoneCountryIso3))
	m := &crm.Message{Channel: crm.ChannelSMS, To: to, From: v.Sender, Text: v.Message, Data: data}
	return []crm.CRMOp{{Kind: crm.OpSend, Message: m}}, nil
}

// crm360EmailJSON is the seed's body of Crm360 Email Send.
type crm360EmailJSON struct {
	EmailTo           string          `json:"EmailTo"`
	SenderEmail       string          `json:"SenderEmail"`
	SenderAlias       string          `json:"SenderAlias"`
	ReplyTo           string          `json:"ReplyTo"`
	Subject           string          `json:"Subject"`
	HTMLMessage       string          `json:"HtmlMessage"`
	TextMessage       string          `json:"TextMessage"`
	VariablePersoJSON json.RawMessage `json:"VariablePersoJson"`
}

func crm360Email(it item, p *Params) ([]crm.CRMOp, error) {
	var v crm360EmailJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	var pr hookhub.Problems
	for _, f := range []struct {
		name, value string
		required    bool
	}{{"EmailTo", v.EmailTo, true}, {"SenderEmail", v.SenderEmail, true}, {"ReplyTo", v.ReplyTo, false}} {
		switch {
		case f.value == "" && f.required:
			pr.Add(f.name, "is required")
		case f.value != "":
			if r := crm.CheckEmail(f.value); r != "" {
				pr.Add(f.name, "%s", r)
			}
		}
	}
	if v.HTMLMessage == "" && v.TextMessage == "" {
		pr.Add("TextMessage", "is required, or HtmlMessage")
	}
	vars, err := variables(v.VariablePersoJSON)
	if err != nil {
		return nil, err
	}
	subject := fill(&pr, "Subject", v.Subject, vars, nil)
	htmlBody := fill(&pr, "HtmlMessage", v.HTMLMessage, vars, html.EscapeString)
	textBody := fill(&pr, "TextMessage", v.TextMessage, vars, nil)
	if strings.ContainsAny(subject, "\r\n") {
		pr.Add("Subject", "must be one line")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	from := (&mail.Address{Name: v.SenderAlias, Address: v.SenderEmail}).String()
	m := &crm.Message{Channel: crm.ChannelEmail, Provider: "smtp", To: v.EmailTo, From: from, Subject: subject, Text: textBody}
	ml := &hookhub.Mail{From: from, ReplyTo: v.ReplyTo, To: v.EmailTo, Subject: subject, Text: textBody, HTML: htmlBody}
	return []crm.CRMOp{{Kind: crm.OpSend, Message: m, Mail: ml}}, nil
}

// variables reads VariablePersoJson: an object, or a string holding one
// (its name says JSON), whose values are text, numbers or booleans.
func variables(raw json.RawMessage) (map[string]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]string{}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if strings.TrimSpace(s) == "" {
			return map[string]string{}, nil
		}
		raw = json.RawMessage(s)
	}
	var obj map[string]text
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, errorf("VariablePersoJson", "must be an object of names and values, such as {\"Prenom\": \"Nicolas\"}")
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		out[k] = string(v)
	}
	return out, nil
}

// fill fills a template, adding a problem for each variable it uses that
// vars lacks.
func fill(pr *hookhub.Problems, field, s string, vars map[string]string, escape func(string) string) string {
	out, missing := hookhub.FillTemplate(s, vars, escape)
	for _, name := range missing {
		pr.Add("VariablePersoJson", "has no %s, which %s uses", name, field)
	}
	return out
}

// loyaltyCardJSON is the seed's body of CaptainWallet LoyaltyCard
// SendUpdate.
type loyaltyCardJSON struct {
	LoyaltyCardID text `json:"LoyaltyCardId"`
}

func loyaltyCardUpdate(it item, p *Params) ([]crm.CRMOp, error) {
	var v loyaltyCardJSON
	if err := decodeJSON(it.raw, &v); err != nil {
		return nil, err
	}
	if v.LoyaltyCardID == "" {
		return nil, errorf("LoyaltyCardId", "is required")
	}
	m := &crm.Message{Channel: crm.ChannelWallet, Provider: "captainwallet", To: string(v.LoyaltyCardID), Data: it.raw}
	return []crm.CRMOp{{Kind: crm.OpSend, Message: m}}, nil
}
