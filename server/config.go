package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/hookhub/hookhub"
	"github.com/hookhub/hookhub/jsrun"
)

// Config is everything an operator can set. cmd/hookhub fills it from flags
// and HOOKHUB_* environment variables.
type Config struct {
	Addr                string        // listen address
	DB                  string        // SQLite file path, or postgres:// URL
	AllowPrivateTargets bool          // deliver to loopback, private and link-local addresses
	RetryScale          float64       // multiplies every retry and queue delay
	SMTPURL             string        // smtp://user:pass@host:port; empty: e-mails go to the log
	MailFrom            string        // sender address of e-mails
	EncryptionKey       string        // 32 bytes, hex or base64; empty: a key file beside the SQLite file
	MaxBody             int64         // request body limit in bytes
	Retention           time.Duration // how long attempts and events are kept
	PurgeInterval       time.Duration // how often what is older than Retention is deleted
	Workers             int           // requests in flight at once
	SQLiteSync          string        // NORMAL or FULL
	ShutdownTimeout     time.Duration // how long shutdown waits for requests in flight
	PollInterval        time.Duration // how often the queue is looked at without a wake-up
	MaxConns            int           // PostgreSQL connections per node
	Lease               time.Duration // how long a claimed delivery is held before other workers may take it
	DebugAddr           string        // where /debug/pprof listens; empty: nowhere
	PublicURL           string        // the base URL senders reach hookhub at, for integrations' URLs; empty: http://<addr>
	AdminToken          string        // an admin token's secret for the admin API (HOOKHUB_ADMIN_TOKEN); empty: only made ones
	ScriptTimeout       time.Duration // how long one transform or script run may take
	// NodeID names this node in the leases it takes, so that it takes back
	// its own at once when it starts again after a crash (PostgreSQL; on
	// SQLite, the one node takes back everything). Empty: the host name
	// and the listen address. Two nodes running at once must not share it.
	NodeID string
}

// Defaults returns the configuration hookhub starts with.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DB:              "./hookhub-data/hookhub.db",
		RetryScale:      1,
		MailFrom:        "hookhub@localhost",
		MaxBody:         1 << 20,
		Retention:       60 * 24 * time.Hour,
		PurgeInterval:   time.Hour,
		Workers:         128,
		SQLiteSync:      "NORMAL",
		ShutdownTimeout: 10 * time.Second,
		PollInterval:    time.Second,
		MaxConns:        20,
		Lease:           2 * time.Minute,
		ScriptTimeout:   time.Second,
	}
}

// Validate says, in plain sentences, what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("addr must not be empty"))
	}
	if c.DB == "" {
		errs = append(errs, errors.New("db must name a SQLite file or a postgres:// URL"))
	}
	if c.RetryScale <= 0 {
		errs = append(errs, fmt.Errorf("retry scale must be greater than 0, not %g", c.RetryScale))
	}
	if c.MaxBody < 1024 {
		errs = append(errs, fmt.Errorf("max body must be at least 1024 bytes, not %d", c.MaxBody))
	}
	if c.Retention < time.Hour {
		errs = append(errs, fmt.Errorf("retention must be at least 1h, not %s", c.Retention))
	}
	if c.PurgeInterval < time.Second {
		errs = append(errs, fmt.Errorf("purge interval must be at least 1s, not %s", c.PurgeInterval))
	}
	if c.Workers < 1 || c.Workers > 10000 {
		errs = append(errs, fmt.Errorf("workers must be between 1 and 10000, not %d", c.Workers))
	}
	if c.ScriptTimeout < 10*time.Millisecond || c.ScriptTimeout > time.Minute {
		errs = append(errs, fmt.Errorf("script timeout must be between 10ms and 1m, not %s", c.ScriptTimeout))
	}
	if c.Lease < time.Second {
		errs = append(errs, fmt.Errorf("lease must be at least 1s, not %s", c.Lease))
	}
	if c.MaxConns < 2 || c.MaxConns > 1000 {
		errs = append(errs, fmt.Errorf("max conns must be between 2 and 1000, not %d", c.MaxConns))
	}
	if len(c.NodeID) > 200 || strings.ContainsFunc(c.NodeID, unicode.IsControl) {
		errs = append(errs, errors.New("node id must be at most 200 characters, without control characters"))
	}
	if c.AdminToken != "" && len(strings.TrimSpace(c.AdminToken)) < 24 {
		errs = append(errs, errors.New("admin token must be at least 24 characters (openssl rand -hex 32 makes one)"))
	}
	if s := strings.ToUpper(c.SQLiteSync); s != "NORMAL" && s != "FULL" {
		errs = append(errs, fmt.Errorf("sqlite sync must be NORMAL or FULL, not %q", c.SQLiteSync))
	}
	if u, err := url.Parse(c.PublicURL); c.PublicURL != "" && (err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		errs = append(errs, fmt.Errorf("public url must be an http or https URL without query, like https://hooks.example.com, not %q", c.PublicURL))
	}
	return errors.Join(errs...)
}

// publicURL is the base of integrations' URLs: PublicURL, or http:// and
// the address hookhub listens on (ln's once bound, the configured one
// before), with localhost for an unspecified host.
func (c Config) publicURL(ln net.Listener) string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	addr := c.Addr
	if ln != nil {
		addr = ln.Addr().String()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// nodeID is NodeID, or else the host name and the listen address: the
// same each time the node starts, and different for two nodes on one
// machine, which listen on different ports. An address with port 0 (any
// port, as tests listen) adds a random part, as two servers of one process
// may listen so: unique, though a restart then finds no leases of its own
// to take back. New calls it once and keeps the result in NodeID.
func (c Config) nodeID() string {
	if c.NodeID != "" {
		return c.NodeID
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	id := host + "/" + c.Addr
	if _, port, err := net.SplitHostPort(c.Addr); err == nil && port == "0" {
		id += "/" + hookhub.RandomString(8)
	}
	return id
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// scriptLimits are the limits of each transform and script run.
func (c Config) scriptLimits() jsrun.Limits {
	l := jsrun.DefaultLimits()
	l.Time = c.ScriptTimeout
	return l
}
