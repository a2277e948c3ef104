package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"sollecito/workflow/calendar"
)

// CronParser is the parser for digest schedules: five fields, as in crontab,
// plus descriptors such as @daily.
var CronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// validateConfig checks every setting of cfg and reports each problem.
func validateConfig(cfg *Config, c collector) {
	if cfg.Organisation == "" || strings.ContainsAny(cfg.Organisation, " /") {
		c.errorf("organisation", "organisation: serve un codice breve senza spazi (es. \"lecco\")", "organisation: a short code without spaces is needed (e.g. \"lecco\")")
	}
	if _, err := time.LoadLocation(cfg.Timezone); err != nil || cfg.Timezone == "" {
		c.errorf("timezone", "timezone: fuso orario sconosciuto %q (es. Europe/Rome)", "timezone: unknown time zone %q (e.g. Europe/Rome)", cfg.Timezone)
	}
	oneOf(c, "language", cfg.Language, "it", "en")
	oneOf(c, "log.level", cfg.Log.Level, "debug", "info", "warn", "error")
	oneOf(c, "log.format", cfg.Log.Format, "text", "json")
	if cfg.TrackingStart != "" {
		if _, err := calendar.ParseDate(cfg.TrackingStart); err != nil {
			c.errorf("tracking_start", "tracking_start: %v", "tracking_start: %v", err)
		}
	}
	validateCalendar(cfg.Calendar, c)
	validatePeriods(cfg.Periods, c)
	validateReminders(cfg, c)
	for i, cs := range []struct{ path, spec string }{{"digests.coordinators", cfg.Digests.Coordinators}, {"digests.dirigenti", cfg.Digests.Dirigenti}} {
		_ = i
		if cs.spec == "" {
			continue
		}
		if _, err := CronParser.Parse(cs.spec); err != nil {
			c.errorf(cs.path, "%s: pianificazione cron non valida %q: %v (es. \"30 8 * * 1\" = lunedì alle 8:30)",
				"%s: invalid cron schedule %q: %v (e.g. \"30 8 * * 1\" = Mondays at 8:30)", cs.path, cs.spec, err)
		}
	}
	if cfg.Dispatch.MaxAttempts < 1 {
		c.errorf("dispatch.max_attempts", "dispatch.max_attempts: deve essere almeno 1", "dispatch.max_attempts: must be at least 1")
	}
	if cfg.Dispatch.BackoffMin <= 0 || cfg.Dispatch.BackoffMax < cfg.Dispatch.BackoffMin {
		c.errorf("dispatch.backoff_min", "dispatch: backoff_min deve essere positivo e non superiore a backoff_max", "dispatch: backoff_min must be positive and not above backoff_max")
	}
	oneOf(c, "dispatch.console", cfg.Dispatch.Console, "auto", "always", "never")
	oneOf(c, "telegram.mode", cfg.Telegram.Mode, "poll", "webhook")
	if cfg.Telegram.Mode == "webhook" && cfg.Telegram.Token != "" && (cfg.Telegram.WebhookListen == "" || cfg.Telegram.WebhookSecret == "") {
		c.errorf("telegram.mode", "telegram: la modalità webhook richiede webhook_listen e webhook_secret", "telegram: webhook mode needs webhook_listen and webhook_secret")
	}
	if strings.Count(cfg.Telegram.API, "%s") != 2 {
		c.errorf("telegram.api", "telegram.api: l'indirizzo deve contenere due %%s (token e metodo)", "telegram.api: the endpoint must contain two %%s (token and method)")
	}
	oneOf(c, "smtp.security", cfg.SMTP.Security, "starttls", "tls", "none")
	if cfg.SMTP.Host != "" && cfg.SMTP.From == "" {
		c.errorf("smtp.from", "smtp: con smtp.host serve anche smtp.from (il mittente)", "smtp: smtp.host needs smtp.from (the sender)")
	}
	if cfg.SMTP.ReplyTo != "" && !strings.Contains(cfg.SMTP.ReplyTo, "{token}") {
		c.errorf("smtp.reply_to", "smtp.reply_to: l'indirizzo deve contenere {token}", "smtp.reply_to: the address must contain {token}")
	}
	oneOf(c, "imap.security", cfg.IMAP.Security, "tls", "starttls", "none")
	if cfg.IMAP.MaxFailures < 1 {
		c.errorf("imap.max_failures", "imap.max_failures: deve essere almeno 1", "imap.max_failures: must be at least 1")
	}
}

func oneOf(c collector, path, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.errorf(path, "%s: valore %q non ammesso (ammessi: %s)", "%s: value %q not allowed (allowed: %s)", path, v, strings.Join(allowed, ", "))
}

func validateCalendar(cc CalendarConfig, c collector) {
	if cc.PatronSaint != "" {
		if _, err := calendar.ParseMonthDay(cc.PatronSaint); err != nil {
			c.errorf("calendar.patron_saint", "calendar.patron_saint: %v", "calendar.patron_saint: %v", err)
		}
	}
	for i, s := range cc.Closures {
		if _, err := calendar.ParseDate(s); err != nil {
			c.errorf(fmt.Sprintf("calendar.closures[%d]", i), "calendar.closures: %v", "calendar.closures: %v", err)
		}
	}
	for i, s := range cc.ExtraHolidays {
		if _, err := calendar.ParseMonthDay(s); err != nil {
			c.errorf(fmt.Sprintf("calendar.extra_holidays[%d]", i), "calendar.extra_holidays: %v", "calendar.extra_holidays: %v", err)
		}
	}
}

func validatePeriods(ps []PeriodConfig, c collector) {
	if len(ps) == 0 {
		c.errorf("periods", "periods: serve almeno un periodo di monitoraggio", "periods: at least one monitoring period is needed")
	}
	seen := map[string]bool{}
	for i, p := range ps {
		path := fmt.Sprintf("periods[%d]", i)
		if p.ID == "" || strings.ContainsAny(p.ID, " -/") {
			c.errorf(path+".id", "periodo %d: id mancante o con spazi, trattini o barre (es. S1)", "period %d: id missing or containing spaces, dashes or slashes (e.g. S1)", i+1)
		} else if seen[p.ID] {
			c.errorf(path+".id", "periodo %q: id duplicato", "period %q: duplicate id", p.ID)
		}
		seen[p.ID] = true
		for _, f := range []struct{ key, v string }{{"start", p.Start}, {"end", p.End}, {"due", p.Due}} {
			if _, err := calendar.ParseMonthDay(f.v); err != nil {
				c.errorf(path+"."+f.key, "periodo %q, %s: %v", "period %q, %s: %v", p.ID, f.key, err)
			}
		}
	}
}

func validateReminders(cfg *Config, c collector) {
	for i, o := range cfg.Reminders.Offsets {
		if o < 0 || o > 60 {
			c.errorf(fmt.Sprintf("reminders.offsets[%d]", i), "reminders.offsets: %d non ammesso (giorni lavorativi prima della scadenza, da 0 a 60)", "reminders.offsets: %d not allowed (working days before the due date, 0 to 60)", o)
		}
	}
	if _, _, err := ParseClock(cfg.Reminders.Time); err != nil {
		c.errorf("reminders.time", "reminders.time: %v", "reminders.time: %v", err)
	}
	e := cfg.Escalation
	if e.GraceDays < 0 {
		c.errorf("escalation.grace_days", "escalation.grace_days: non può essere negativo", "escalation.grace_days: cannot be negative")
	}
	if e.NagEvery < 0 || e.NagMax < 0 {
		c.errorf("escalation.nag_every", "escalation: nag_every e nag_max non possono essere negativi", "escalation: nag_every and nag_max cannot be negative")
	}
	for i, s := range e.Steps {
		path := fmt.Sprintf("escalation.steps[%d]", i)
		if s.Day < 1 {
			c.errorf(path+".day", "escalation.steps: day deve essere almeno 1 (giorni lavorativi di ritardo)", "escalation.steps: day must be at least 1 (working days late)")
		}
		if s.Notify == "" {
			c.errorf(path+".notify", "escalation.steps: notify mancante (responsabile, dirigente, coordinators o l'id di una persona)", "escalation.steps: notify missing (responsabile, dirigente, coordinators or a person id)")
		}
	}
}

// ParseClock reads a local time of day written HH:MM.
func ParseClock(s string) (hour, minute int, err error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hour, err1 := strconv.Atoi(h)
	minute, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return 0, 0, fmt.Errorf("orario non valido %q: usare HH:MM (es. 09:00)", s)
	}
	return hour, minute, nil
}
