package config

import (
	"embed"
	"time"
)

// Embedded holds the built-in configuration (Lecco's) and sample plan that
// `sollecito run` uses when no file is given.
//
//go:embed embedded
var Embedded embed.FS

// Names of the embedded files, as they appear in problems and logs.
const (
	EmbeddedConfigName = "embedded/sollecito.yaml"
	EmbeddedPlanName   = "embedded/plan.yaml"
)

// Defaults returns the configuration every file starts from: sensible for
// any Italian administration; the embedded file adds Lecco's specifics.
func Defaults() Config {
	return Config{
		Organisation: "default",
		Timezone:     "Europe/Rome",
		Language:     "it",
		DataDir:      "./sollecito-data",
		Database:     "sollecito.db",
		Log:          LogConfig{Level: "info", Format: "text"},
		Calendar:     CalendarConfig{ShiftPatronSaint: true},
		Periods: []PeriodConfig{
			{ID: "S1", Name: "1° semestre", NameEN: "1st half", Start: "01/01", End: "30/06", Due: "31/07"},
			{ID: "S2", Name: "2° semestre", NameEN: "2nd half", Start: "01/07", End: "31/12", Due: "31/01", DueNextYear: true},
		},
		Reminders: ReminderConfig{Offsets: []int{10, 3, 0}, Time: "09:00"},
		Escalation: EscalationConfig{
			NagEvery: 5,
			NagMax:   4,
			Steps: []EscalationStep{
				{Day: 3, Notify: "responsabile"},
				{Day: 10, Notify: "coordinators"},
			},
		},
		Digests: DigestConfig{Coordinators: "30 8 * * 1", Dirigenti: "0 8 * * 1"},
		Dispatch: DispatchConfig{
			MaxAttempts: 8,
			BackoffMin:  Duration(30 * time.Second),
			BackoffMax:  Duration(2 * time.Hour),
			Console:     "auto",
		},
		Telegram: TelegramConfig{
			API:       "https://api.telegram.org/bot%s/%s",
			Mode:      "poll",
			InviteTTL: Duration(7 * 24 * time.Hour),
		},
		SMTP: SMTPConfig{Port: 587, Security: "starttls", Timeout: Duration(30 * time.Second)},
		IMAP: IMAPConfig{
			Security:         "tls",
			Mailbox:          "INBOX",
			ProcessedFolder:  "Sollecito/Elaborati",
			QuarantineFolder: "Sollecito/Quarantena",
			MaxFailures:      3,
			PollInterval:     Duration(time.Minute),
		},
		Tokens: TokenConfig{TTL: Duration(120 * 24 * time.Hour)},
	}
}
