package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/hookhub/hookhub/secrets"
)

// A webhook's custom headers are at rest as one sealed value: the JSON
// object of names and values, sealed as the secrets are. Header values
// are often API keys. The headers column holds the plain JSON an older
// hookhub wrote; this one writes NULL there, and a plain value found
// there is newer than the sealed one (an older node of the cluster saved
// it), so it wins until Upgrade seals it.

// sealHeaders is the stored form of h: nil for none.
func (s *Store) sealHeaders(h map[string]string) ([]byte, error) {
	if len(h) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode headers: %w", err)
	}
	return s.Sealer.Seal(b), nil
}

// openHeaders reads the headers of a row.
func (s *Store) openHeaders(plain sql.NullString, sealed []byte) (map[string]string, error) {
	var b []byte
	switch {
	case plain.Valid:
		b = []byte(plain.String)
	case len(sealed) > 0:
		var err error
		if b, err = s.Sealer.Open(sealed); err != nil {
			return nil, fmt.Errorf("open headers: %w", err)
		}
	default:
		return nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("decode headers: %w", err)
	}
	return h, nil
}

// SQL is the database the store writes to, for tools and tests that read
// rows themselves.
func (s *Store) SQL() *sql.DB { return s.W }

// Upgrade rewrites what an older hookhub stored in the clear, which only
// Go can rewrite (it needs the encryption key, or reads JSON): it seals
// webhooks' plain header values, and runs the steps listed in
// upgrade_steps, deleting each once done. Every rewrite is idempotent and
// conditional on the row being as read, so that nodes opening the
// database together, or an older node writing meanwhile, lose nothing.
// The databases' Open call it after migrating.
func (s *Store) Upgrade(ctx context.Context) error {
	if err := s.sealPlainHeaders(ctx); err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	steps, err := collect(ctx, s.W, func(sc scanner) (name string, err error) { return name, sc.Scan(&name) },
		`SELECT name FROM upgrade_steps ORDER BY name`)
	if err != nil {
		return fmt.Errorf("upgrade: read steps: %w", err)
	}
	for _, name := range steps {
		run, ok := upgradeSteps[name]
		if !ok {
			continue // a newer hookhub's step: it runs it
		}
		if err := run(s, ctx); err != nil {
			return fmt.Errorf("upgrade: %s: %w", name, err)
		}
		if _, err := s.W.ExecContext(ctx, `DELETE FROM upgrade_steps WHERE name = $1`, name); err != nil {
			return fmt.Errorf("upgrade: %s: %w", name, err)
		}
	}
	return nil
}

// upgradeSteps are the steps a migration may list in upgrade_steps.
var upgradeSteps = map[string]func(*Store, context.Context) error{
	"hide-attempt-credentials": (*Store).hideAttemptCredentials,
	"hide-inbound-credentials": (*Store).hideInboundCredentials,
}

// sealPlainHeaders seals the header values of the webhooks whose headers
// are in the clear. It runs at every open: an older node may have written
// some since.
func (s *Store) sealPlainHeaders(ctx context.Context) error {
	todo, err := collect(ctx, s.W, scanHeaders(1), `SELECT id, headers FROM webhooks WHERE headers IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read plain headers: %w", err)
	}
	for _, p := range todo {
		var h map[string]string
		if err := json.Unmarshal([]byte(p.vals[0]), &h); err != nil {
			return fmt.Errorf("webhook %d: decode headers: %w", p.id, err)
		}
		sealed, err := s.sealHeaders(h)
		if err != nil {
			return fmt.Errorf("webhook %d: %w", p.id, err)
		}
		if _, err := s.W.ExecContext(ctx, `UPDATE webhooks SET headers_sealed = $1, headers = NULL WHERE id = $2 AND headers = $3`,
			sealed, p.id, p.vals[0]); err != nil {
			return fmt.Errorf("webhook %d: seal headers: %w", p.id, err)
		}
	}
	return nil
}

// headerRow is a row's id and columns of headers.
type headerRow struct {
	id   int64
	vals []string
}

// scanHeaders scans rows of an id and n columns.
func scanHeaders(n int) func(scanner) (headerRow, error) {
	return func(sc scanner) (headerRow, error) {
		r := headerRow{vals: make([]string, n)}
		dest := []any{&r.id}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		return r, sc.Scan(dest...)
	}
}

// upgradeBatch is how many ids one statement of an upgrade reads.
const upgradeBatch = 5000

// hideAttemptCredentials hides the credentials in the headers of the
// attempts stored before they were hidden on write.
func (s *Store) hideAttemptCredentials(ctx context.Context) error {
	return s.hideCredentials(ctx, "attempts", "request_headers", "response_headers")
}

// hideInboundCredentials hides the credentials in the headers of the
// requests received before they were hidden on write.
func (s *Store) hideInboundCredentials(ctx context.Context) error {
	return s.hideCredentials(ctx, "inbound_messages", "headers")
}

// hideCredentials hides the credentials in the headers (JSON of an
// http.Header) of a table's columns. It reads a range of ids at a time,
// only the rows whose headers may hold a credential by a loose match, and
// rewrites those that do.
func (s *Store) hideCredentials(ctx context.Context, table string, cols ...string) error {
	// Lower-case JSON keys that may be a credential's: a superset of
	// secrets.CredentialHeader's, which decides.
	var like []string
	for _, c := range cols {
		for _, end := range []string{"authorization", "cookie", "key", "token", "secret", "password"} {
			like = append(like, fmt.Sprintf(`LOWER(%s) LIKE '%%%s"%%'`, c, end))
		}
	}
	sets, same := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		sets[i] = fmt.Sprintf("%s = $%d", c, i+1)
		same[i] = fmt.Sprintf("%s = $%d", c, len(cols)+2+i)
	}
	read := `SELECT id, ` + strings.Join(cols, ", ") + ` FROM ` + table + ` WHERE id > $1 AND id <= $2 AND (` + strings.Join(like, " OR ") + `)`
	// Conditional on the row as read: hiding is idempotent, so a row
	// another node rewrote meanwhile is already hidden.
	write := `UPDATE ` + table + ` SET ` + strings.Join(sets, ", ") + fmt.Sprintf(` WHERE id = $%d AND `, len(cols)+1) + strings.Join(same, " AND ")
	var top int64
	if err := s.W.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&top); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	// Ranges of ids, so that each statement reads a bounded part of the
	// table however few of its rows match (a statement timeout applies).
	for after := int64(0); after < top; after += upgradeBatch {
		batch, err := collect(ctx, s.W, scanHeaders(len(cols)), read, after, after+upgradeBatch)
		if err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		// One transaction a batch: SQLite commits thousands of
		// statements one by one slowly.
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, r := range batch {
				args, changed := []any{}, false
				for i, v := range r.vals {
					h, ch, err := hideJSONHeaders(v)
					if err != nil {
						return fmt.Errorf("%s %d: %s: %w", table, r.id, cols[i], err)
					}
					args, changed = append(args, h), changed || ch
				}
				if !changed {
					continue
				}
				args = append(args, r.id)
				for _, v := range r.vals {
					args = append(args, v)
				}
				if _, err := tx.ExecContext(ctx, write, args...); err != nil {
					return fmt.Errorf("%s %d: hide credentials: %w", table, r.id, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// hideJSONHeaders hides the credentials of headers stored as JSON, and
// says whether it changed anything.
func hideJSONHeaders(stored string) (string, bool, error) {
	var h http.Header
	if err := json.Unmarshal([]byte(stored), &h); err != nil {
		return "", false, err
	}
	hidden := secrets.HideHeaders(h)
	b, err := json.Marshal(hidden)
	if err != nil {
		return "", false, err
	}
	changed := false
	for k, vs := range h {
		for i, v := range vs {
			if hidden[k][i] != v {
				changed = true
			}
		}
	}
	if !changed {
		return stored, false, nil
	}
	return string(b), true, nil
}
