package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sollecito/config"
)

func noEnv(string) (string, bool) { return "", false }

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const td = "../testdata/"

func TestEmbeddedDefaultsLoad(t *testing.T) {
	l, err := config.Load(config.Options{LookupEnv: noEnv})
	if err != nil {
		t.Fatalf("embedded configuration rejected: %v", err)
	}
	if l.Config.Calendar.PatronSaint != "06/12" || l.Config.Timezone != "Europe/Rome" {
		t.Fatalf("embedded config is not Lecco's: %+v", l.Config.Calendar)
	}
	if l.Plan.Organisation != "Provincia di Lecco" || len(l.Plan.Objectives) == 0 {
		t.Fatalf("embedded plan: %q with %d objectives", l.Plan.Organisation, len(l.Plan.Objectives))
	}
	if got := l.DatabasePath(); got != filepath.Join("sollecito-data", "sollecito.db") {
		t.Fatalf("database path = %q", got)
	}
}

// TestEmbeddedPlanIsTheShippedLeccoPlan: `sollecito run` with no plan
// watches the whole Lecco 2024 plan of examples/lecco-2024.
func TestEmbeddedPlanIsTheShippedLeccoPlan(t *testing.T) {
	for _, f := range []string{"plan.yaml", "people.yaml"} {
		shipped, err := os.ReadFile("../examples/lecco-2024/" + f)
		if err != nil {
			t.Fatal(err)
		}
		embedded, err := config.Embedded.ReadFile("embedded/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if string(shipped) != string(embedded) {
			t.Errorf("config/embedded/%s differs from examples/lecco-2024/%s: copy it again", f, f)
		}
	}
	l, err := config.Load(config.Options{LookupEnv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	indicators := 0
	for _, o := range l.Plan.Objectives {
		indicators += len(o.Indicators)
	}
	if len(l.Plan.Objectives) != 100 || indicators != 289 {
		t.Fatalf("embedded plan: %d objectives, %d indicators; want 100 and 289", len(l.Plan.Objectives), indicators)
	}
}

func TestGoodFilesLoadNormalised(t *testing.T) {
	l, err := config.Load(config.Options{ConfigPath: td + "good/config.yaml", PlanPath: td + "good/plan.yaml", LookupEnv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Plan.People) != 2 || l.Plan.People[1].Language != "en" {
		t.Fatalf("people from the people file: %+v", l.Plan.People)
	}
	ind := l.Plan.Objectives[0].Indicators[0]
	if strings.Join(ind.Periods, ",") != "S1,S2" || strings.Join(ind.Assignees, ",") != "rossi" {
		t.Fatalf("indicator defaults not filled: periods %v assignees %v", ind.Periods, ind.Assignees)
	}
	if l.Config.Reminders.Time != "08:30" || l.Config.Escalation.NagEvery != 5 {
		t.Fatalf("file values and defaults: %+v %+v", l.Config.Reminders, l.Config.Escalation)
	}
	if len(l.Warnings) != 0 {
		t.Fatalf("warnings on a clean plan: %v", l.Warnings)
	}
}

func TestBadFilesReportEveryProblemWithFileAndLine(t *testing.T) {
	tests := []struct {
		name       string
		plan, cfg  string
		want       []string // "file:line: substring"
		wantErrors int
	}{
		{"unknown key", "unknown_key.yaml", "", []string{"unknown_key.yaml:9: chiave sconosciuta \"titel\""}, 0},
		{"duplicate id", "duplicate_id.yaml", "", []string{"duplicate_id.yaml:13: indicatore \"I-01.1\": id duplicato"}, 1},
		{"dangling references", "dangling_ref.yaml", "", []string{
			"dangling_ref.yaml:13: obiettivo \"I-01\": servizio sconosciuto \"Protocollo\"",
			"dangling_ref.yaml:14: obiettivo \"I-01\", responsabile: persona sconosciuta \"verdi\"",
		}, 2},
		{"wrong types", "bad_type.yaml", "", []string{
			"bad_type.yaml:2: valore \"duemila",
			"bad_type.yaml:12: indicatore \"I-01.1\": tipo \"percentuale\" sconosciuto",
		}, 0},
		{"broken YAML", "bad_yaml.yaml", "", []string{"bad_yaml.yaml:3: YAML non valido"}, 1},
		{"configuration", "", "config_errors.yaml", []string{
			"config_errors.yaml:2: timezone: fuso orario sconosciuto \"Europa/Roma\"",
			"config_errors.yaml:5: reminders.time: orario non valido",
			"config_errors.yaml:7: digests.coordinators: pianificazione cron non valida",
			"config_errors.yaml:9: chiave sconosciuta \"hots\"",
		}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := config.Options{LookupEnv: noEnv}
			if tc.plan != "" {
				opt.PlanPath = td + "bad/" + tc.plan
			}
			if tc.cfg != "" {
				opt.ConfigPath = td + "bad/" + tc.cfg
			}
			_, err := config.Load(opt)
			var le *config.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LoadError", err)
			}
			all := le.Problems.Format("it")
			for _, w := range tc.want {
				file, rest, _ := strings.Cut(w, ":")
				if !strings.Contains(all, file+":"+rest) && !strings.Contains(all, "/"+file+":"+rest) {
					t.Errorf("missing %q in:\n%s", w, all)
				}
			}
			if tc.wantErrors > 0 && len(le.Problems.Errors()) != tc.wantErrors {
				t.Errorf("%d errors, want %d:\n%s", len(le.Problems.Errors()), tc.wantErrors, all)
			}
		})
	}
}

func TestEnvironmentOverridesFileAndDefaults(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "token")
	if err := os.WriteFile(secret, []byte("123:ABC-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := config.Load(config.Options{ConfigPath: td + "good/config.yaml", PlanPath: td + "good/plan.yaml",
		LookupEnv: envMap(map[string]string{
			"SOLLECITO_REMINDERS_TIME":       "07:45",
			"SOLLECITO_REMINDERS_OFFSETS":    "15,5,0",
			"SOLLECITO_CALENDAR_CLOSURES":    "14/08/2024",
			"SOLLECITO_ESCALATION_NAG_EVERY": "3",
			"SOLLECITO_DISPATCH_BACKOFF_MAX": "1d",
			"SOLLECITO_TELEGRAM_TOKEN_FILE":  secret,
			"SOLLECITO_SMTP_PASSWORD":        "hunter2",
			"SOLLECITO_DATA_DIR":             "/var/lib/sollecito",
		})})
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if c.Reminders.Time != "07:45" || len(c.Reminders.Offsets) != 3 || c.Reminders.Offsets[0] != 15 {
		t.Fatalf("reminders = %+v", c.Reminders)
	}
	if len(c.Calendar.Closures) != 1 || c.Calendar.Closures[0] != "14/08/2024" || c.Escalation.NagEvery != 3 {
		t.Fatalf("calendar/escalation = %+v %+v", c.Calendar, c.Escalation)
	}
	if c.Dispatch.BackoffMax.D() != 24*time.Hour {
		t.Fatalf("backoff_max = %v", c.Dispatch.BackoffMax.D())
	}
	if c.Telegram.Token.Value() != "123:ABC-secret" || c.SMTP.Password.Value() != "hunter2" {
		t.Fatal("secrets not read from the environment")
	}
	if c.DataDir != "/var/lib/sollecito" {
		t.Fatalf("data_dir = %q", c.DataDir)
	}
	// The --data-dir flag wins over the environment.
	l, _ = config.Load(config.Options{DataDir: "/srv/x", LookupEnv: envMap(map[string]string{"SOLLECITO_DATA_DIR": "/var/lib/sollecito"})})
	if l.Config.DataDir != "/srv/x" {
		t.Fatalf("flag data dir = %q", l.Config.DataDir)
	}
}

func TestBadEnvironmentValuesAreReportedAndSecretsHidden(t *testing.T) {
	_, err := config.Load(config.Options{LookupEnv: envMap(map[string]string{
		"SOLLECITO_REMINDERS_OFFSETS": "dieci",
		"SOLLECITO_TELEGRAM_TOKEN":    "42:TOPSECRET",
		"SOLLECITO_TELEGRAM_MODE":     "carrier-pigeon",
	})})
	if err == nil {
		t.Fatal("bad environment accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "SOLLECITO_REMINDERS_OFFSETS") || !strings.Contains(msg, "telegram.mode") {
		t.Fatalf("problems not named:\n%s", msg)
	}
	if strings.Contains(msg, "TOPSECRET") {
		t.Fatalf("secret in an error:\n%s", msg)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := config.Secret("42:TOPSECRET")
	for _, out := range []string{s.String(), s.GoString()} {
		if strings.Contains(out, "TOPSECRET") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	b, _ := s.MarshalText()
	if strings.Contains(string(b), "TOPSECRET") {
		t.Fatal("secret marshalled")
	}
}

func TestEveryEnvironmentVariableIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.EnvVars() {
		if !strings.Contains(string(doc), v.Name) {
			t.Errorf("docs/configuration.md does not list %s (%s)", v.Name, v.Path)
		}
	}
}

func TestPeopleWithoutAnyChannelAreAWarning(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.yaml")
	data := "organisation: X\nyear: 2024\ndirectorates: [{code: \"I\", name: A}]\npeople:\n  - {id: rossi, name: Mario Rossi}\nobjectives: []\n"
	if err := os.WriteFile(plan, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := config.Load(config.Options{PlanPath: plan, ConfigPath: td + "good/config.yaml", LookupEnv: noEnv})
	if err == nil || !strings.Contains(err.Error(), "admins") {
		// The good config names admin "bianchi", unknown here: an error.
		t.Fatalf("err = %v", err)
	}
	l, err = config.Load(config.Options{PlanPath: plan, LookupEnv: noEnv, ConfigPath: writeTemp(t, "organisation: x\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0].String(), "plan.yaml:5: avviso: persona \"rossi\"") {
		t.Fatalf("warnings = %v", l.Warnings)
	}
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
