package crm360

import (
	"errors"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/crm"
	"github.com/hookhub/hookhub/textcheck"
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
	if e := textcheck.Values(q); e != nil {
		return nil, e.Invalid()
	}
	vals := map[string]string{}
	times := map[string]int{}
	p := &Params{Extra: url.Values{}}
	for k, vs := range q {
		name, known := canonical(k)
		if !known {
			p.Extra[k] = vs
			continue
		}
		times[name] += len(vs)
		if _, dup := vals[name]; !dup && len(vs) > 0 {
			vals[name] = strings.TrimSpace(vs[0])
		}
	}
	var pr hookhub.Problems
	for _, name := range sortedKeys(times) {
		if times[name] > 1 {
			pr.Add(name, "is given %d times; give it once", times[name])
		}
	}
	required := func(name string) string {
		v := vals[name]
		if v == "" {
			pr.Add(name, "is required")
		}
		return v
	}
	integer := func(name string, req bool, least int64) int64 {
		v, ok := vals[name]
		if !ok || v == "" || times[name] > 1 {
			if req && times[name] <= 1 {
				pr.Add(name, "is required")
			}
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		var ne *strconv.NumError
		switch {
		case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange):
			pr.Add(name, "is too large: at most %d", int64(math.MaxInt64))
		case err != nil:
			pr.Add(name, "must be a whole number, %d or more, not %q", least, v)
		case n < least:
			pr.Add(name, "must be %d or more, not %d", least, n)
		}
		return n
	}
	p.CustomerName, p.DatabaseAlias = required(pCustomerName), required(pDatabaseAlias)
	platform, entity, action := required(pPlatform), required(pEntity), required(pAction)
	p.SourceID = integer(pSourceID, true, 1) // a source's id
	p.ZoneID, p.BrandID, p.AddressTypeID = integer(pZoneID, false, 0), integer(pBrandID, false, 0), integer(pAddressTypeID, false, 0)
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
	if p.Invisibility = integer(pInvisibility, false, 0); p.Invisibility > maxInvisibility {
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
// sortedKeys lists m's keys in order, so that problems come in one order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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
