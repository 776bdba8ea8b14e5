package crm360

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
)

// Params are the URI parameters of a QueueProcess call.
type Params struct {
	CustomerName, DatabaseAlias string
	Route                       *Route // ExternalPlatform, ExternalEntity, ExternalAction
	SourceID                    int64
	ZoneID, BrandID             int64
	AddressTypeID               int64 // ContactAddressTypeId
	BatchMode                   bool
	Email                       string // where a copy of the content goes; "" for none
	Invisibility                int64  // secondsOfInvisibility
	Store, Currency             string // Tabology's
	// Extra are the query's other parameters: a platform's own fields
	// when it puts them in the URL (Smsbox's callback parameters).
	Extra url.Values
}

// The parameters, as the seed spells them.
const (
	pCustomerName   = "CustomerName"
	pDatabaseAlias  = "DatabaseAlias"
	pPlatform       = "ExternalPlatform"
	pEntity         = "ExternalEntity"
	pAction         = "ExternalAction"
	pSourceID       = "SourceId"
	pZoneID         = "ZoneId"
	pBrandID        = "BrandId"
	pAddressTypeID  = "ContactAddressTypeId"
	pBatchMode      = "BatchMode"
	pEmail          = "Email"
	pInvisibility   = "secondsOfInvisibility"
	pStore          = "store"
	pCurrency       = "currency"
	maxInvisibility = 7 * 24 * 3600 // a week, like the queues CRM360 runs on
)

var paramNames = []string{pCustomerName, pDatabaseAlias, pPlatform, pEntity, pAction, pSourceID, pZoneID, pBrandID,
	pAddressTypeID, pBatchMode, pEmail, pInvisibility, pStore, pCurrency}

// ParseParams reads a QueueProcess query. Names are matched in any case.
// Every missing or malformed parameter is named in one EINVALID error; an
// unknown combination of platform, entity and action is an EUNSUPPORTED
// error (the answer lists the supported ones).
func ParseParams(rawQuery string) (*Params, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, hookhub.Invalid("query", "the query string is malformed: %s", err.Error())
	}
	vals := map[string]string{}
	p := &Params{Extra: url.Values{}}
	for k, vs := range q {
		name, known := canonical(k)
		if !known {
			p.Extra[k] = vs
			continue
		}
		if _, dup := vals[name]; !dup && len(vs) > 0 {
			vals[name] = strings.TrimSpace(vs[0])
		}
	}
	var pr hookhub.Problems
	required := func(name string) string {
		v := vals[name]
		if v == "" {
			pr.Add(name, "is required")
		}
		return v
	}
	integer := func(name string, req bool) int64 {
		v, ok := vals[name]
		if !ok || v == "" {
			if req {
				pr.Add(name, "is required")
			}
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			pr.Add(name, "must be a whole number, 0 or more, not %q", v)
		}
		return n
	}
	p.CustomerName, p.DatabaseAlias = required(pCustomerName), required(pDatabaseAlias)
	platform, entity, action := required(pPlatform), required(pEntity), required(pAction)
	if n, err := strconv.ParseInt(vals[pSourceID], 10, 64); err == nil && n == 0 {
		pr.Add(pSourceID, "must be a source's id, 1 or more, not 0")
	} else {
		p.SourceID = integer(pSourceID, true)
	}
	p.ZoneID, p.BrandID, p.AddressTypeID = integer(pZoneID, false), integer(pBrandID, false), integer(pAddressTypeID, false)
	if v := vals[pBatchMode]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			pr.Add(pBatchMode, "must be true or false, not %q", v)
		}
		p.BatchMode = b
	}
	if p.Email = vals[pEmail]; p.Email != "" {
		if r := crm.CheckEmail(p.Email); r != "" {
			pr.Add(pEmail, "%s", r)
		}
	}
	if p.Invisibility = integer(pInvisibility, false); p.Invisibility > maxInvisibility {
		pr.Add(pInvisibility, "must be at most %d (a week)", maxInvisibility)
	}
	p.Store, p.Currency = vals[pStore], strings.ToUpper(vals[pCurrency])
	if platform != "" && entity != "" && action != "" {
		if p.Route = lookup(platform, entity, action); p.Route != nil {
			p.Route.checkParams(p, &pr)
		}
	}
	if err := pr.Err(); err != nil {
		return p, err
	}
	if p.Route == nil {
		return p, hookhub.Errorf(hookhub.EUNSUPPORTED, "ExternalPlatform %q, ExternalEntity %q, ExternalAction %q is not a supported combination", platform, entity, action)
	}
	return p, nil
}

// canonical is the seed's spelling of a parameter name given in any case.
func canonical(name string) (string, bool) {
	for _, n := range paramNames {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return name, false
}

// attribution is what the zone, brand and address type parameters attach
// records to.
func (p *Params) attribution() crm.Attribution {
	return crm.Attribution{ZoneID: p.ZoneID, BrandID: p.BrandID, AddressTypeID: p.AddressTypeID}
}
