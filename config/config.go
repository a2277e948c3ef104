package config

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the daemon's configuration file. Every field has a default
// (Defaults), every field can be overridden by an environment variable whose
// name is SOLLECITO_ followed by the YAML path in upper case joined with "_"
// (calendar.patron_saint -> SOLLECITO_CALENDAR_PATRON_SAINT), and secrets
// can also be read from SOLLECITO_<NAME>_FILE. docs/configuration.md lists
// them all.
type Config struct {
	// Organisation is a short stable code for the administration; every
	// row in the database carries it.
	Organisation string `yaml:"organisation"`
	// Timezone is the IANA zone deadlines are computed in.
	Timezone string `yaml:"timezone"`
	// Language is the default language of messages: "it" or "en".
	Language string `yaml:"language"`
	// DataDir holds the database and other state. The --data-dir flag and
	// SOLLECITO_DATA_DIR override it.
	DataDir string `yaml:"data_dir"`
	// Database is the SQLite file; relative paths are inside DataDir.
	Database string `yaml:"database"`
	// TrackingStart: deadlines due before this date are shown but never
	// reminded or escalated (dd/mm/yyyy). Empty: the day the database was
	// created.
	TrackingStart string `yaml:"tracking_start"`

	Log        LogConfig        `yaml:"log"`
	Calendar   CalendarConfig   `yaml:"calendar"`
	Periods    []PeriodConfig   `yaml:"periods"`
	Reminders  ReminderConfig   `yaml:"reminders"`
	Escalation EscalationConfig `yaml:"escalation"`
	Digests    DigestConfig     `yaml:"digests"`
	Dispatch   DispatchConfig   `yaml:"dispatch"`
	Telegram   TelegramConfig   `yaml:"telegram"`
	SMTP       SMTPConfig       `yaml:"smtp"`
	IMAP       IMAPConfig       `yaml:"imap"`
	Tokens     TokenConfig      `yaml:"tokens"`

	// Admins and Coordinators are person ids (from the plan's people).
	Admins       []string `yaml:"admins"`
	Coordinators []string `yaml:"coordinators"`
}

// LogConfig sets the log output.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// CalendarConfig describes the working calendar.
type CalendarConfig struct {
	// PatronSaint is the local patron saint's day, dd/mm ("06/12" for Lecco).
	PatronSaint string `yaml:"patron_saint"`
	// Closures are extra office closures (dd/mm/yyyy): no reminders then.
	Closures []string `yaml:"closures"`
	// ExtraHolidays are additional yearly holidays (dd/mm).
	ExtraHolidays []string `yaml:"extra_holidays"`
	// ShiftSaturday moves a due date falling on Saturday to Monday.
	ShiftSaturday bool `yaml:"shift_saturday"`
	// ShiftPatronSaint moves a due date falling on the patron saint's day.
	ShiftPatronSaint bool `yaml:"shift_patron_saint"`
}

// PeriodConfig is a monitoring period and when its values are due.
type PeriodConfig struct {
	// ID is used in plan files ("S1") and, with the year, in commands
	// ("2024-S1").
	ID string `yaml:"id"`
	// Name is what people read ("1° semestre").
	Name string `yaml:"name"`
	// NameEN is the English name ("1st half").
	NameEN string `yaml:"name_en"`
	// Start and End are dd/mm inside the plan year.
	Start string `yaml:"start"`
	End   string `yaml:"end"`
	// Due is dd/mm; with DueNextYear it falls in the year after the plan's.
	Due         string `yaml:"due"`
	DueNextYear bool   `yaml:"due_next_year"`
}

// ReminderConfig sets when reminders go out before a due date.
type ReminderConfig struct {
	// Offsets are working days before the due date (0 = on the day).
	Offsets []int `yaml:"offsets"`
	// Time is the local time reminders are sent, HH:MM.
	Time string `yaml:"time"`
}

// EscalationConfig is the overdue ladder, in working days after the due
// date (after Grace calendar days).
type EscalationConfig struct {
	GraceDays int `yaml:"grace_days"`
	// NagEvery repeats a nag to the assignees every N working days of
	// lateness, starting on the first; 0 disables nags.
	NagEvery int `yaml:"nag_every"`
	// NagMax caps how many nags one item gets (0 = no cap).
	NagMax int `yaml:"nag_max"`
	// Steps tell other people, once each.
	Steps []EscalationStep `yaml:"steps"`
}

// EscalationStep tells Notify ("responsabile", "dirigente", "coordinators"
// or a person id) after Day working days of lateness.
type EscalationStep struct {
	Day    int    `yaml:"day"`
	Notify string `yaml:"notify"`
}

// DigestConfig holds cron schedules (robfig/cron syntax, five fields, in the
// configured time zone). Empty disables a digest.
type DigestConfig struct {
	Coordinators string `yaml:"coordinators"`
	Dirigenti    string `yaml:"dirigenti"`
}

// DispatchConfig tunes the outbox dispatcher.
type DispatchConfig struct {
	// MaxAttempts before a message is given up and an administrator told.
	MaxAttempts int `yaml:"max_attempts"`
	// BackoffMin and BackoffMax bound the exponential retry delay.
	BackoffMin Duration `yaml:"backoff_min"`
	BackoffMax Duration `yaml:"backoff_max"`
	// Console prints messages on standard output when no other channel
	// can reach a person: "auto" (when neither Telegram nor SMTP is
	// configured), "always" or "never".
	Console string `yaml:"console"`
}

// TelegramConfig configures the bot. Token is a secret.
type TelegramConfig struct {
	Token Secret `yaml:"token"`
	// API is the endpoint format with two %s (token, method).
	API string `yaml:"api"`
	// Mode is "poll" (getUpdates) or "webhook".
	Mode          string `yaml:"mode"`
	WebhookListen string `yaml:"webhook_listen"`
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret Secret `yaml:"webhook_secret"`
	// InviteTTL is how long an invitation code stays valid.
	InviteTTL Duration `yaml:"invite_ttl"`
}

// SMTPConfig configures outgoing mail. Password is a secret.
type SMTPConfig struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Security string `yaml:"security"` // starttls, tls, none
	Username string `yaml:"username"`
	Password Secret `yaml:"password"`
	From     string `yaml:"from"`
	// ReplyTo is the reply address form; {token} is replaced by the signed
	// token ("sollecito+{token}@provincia.lecco.it").
	ReplyTo string   `yaml:"reply_to"`
	Timeout Duration `yaml:"timeout"`
}

// IMAPConfig configures the mailbox replies arrive in.
type IMAPConfig struct {
	Addr             string   `yaml:"addr"` // host:port
	Security         string   `yaml:"security"`
	Username         string   `yaml:"username"`
	Password         Secret   `yaml:"password"`
	Mailbox          string   `yaml:"mailbox"`
	ProcessedFolder  string   `yaml:"processed_folder"`
	QuarantineFolder string   `yaml:"quarantine_folder"`
	MaxFailures      int      `yaml:"max_failures"`
	PollInterval     Duration `yaml:"poll_interval"`
}

// TokenConfig holds the key that signs reply tokens and invitation codes.
type TokenConfig struct {
	// Key signs reply tokens; when empty a random key is generated and kept
	// in the database.
	Key Secret `yaml:"key"`
	// TTL is how long a reply token stays valid.
	TTL Duration `yaml:"ttl"`
}

// Secret is a string that never prints: fmt, slog and JSON see "[redacted]".
type Secret string

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalText hides the value from encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Value returns the secret itself, for the one place that needs it.
func (s Secret) Value() string { return string(s) }

// Duration is a time.Duration written as "90s", "5m", "168h" or "7d".
type Duration time.Duration

// UnmarshalText parses the duration (environment variables).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// UnmarshalYAML parses the duration, reporting a bad one with its line
// while the rest of the file is still checked.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: durata non valida %q (esempi: 30s, 5m, 2h, 7d)", n.Line, n.Value)}}
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// ParseDuration accepts Go durations plus a "d" suffix for days.
func ParseDuration(s string) (time.Duration, error) {
	var days int
	if n, err := fmt.Sscanf(s, "%dd", &days); err == nil && n == 1 && fmt.Sprintf("%dd", days) == s {
		return time.Duration(days) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("durata non valida %q (esempi: 30s, 5m, 2h, 7d)", s)
	}
	return v, nil
}
