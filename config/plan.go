package config

// Plan is the performance plan (PIAO, Sezione 2.2 Performance) as written in
// the plan file. Field names follow docs/plan-format.md; the JSON form is the
// one `sollecito plan show --format json` prints and `sollecito import piao
// --format json` writes.
type Plan struct {
	// Organisation is the administration's name ("Provincia di Lecco").
	Organisation string `yaml:"organisation" json:"organisation"`
	// Year is the plan year (esercizio).
	Year int `yaml:"year" json:"year"`
	// PeopleFile optionally names a separate YAML file, relative to the
	// plan file, holding the people list (contacts kept apart from the plan).
	PeopleFile   string        `yaml:"people_file,omitempty" json:"-"`
	Directorates []Directorate `yaml:"directorates" json:"directorates"`
	Services     []Service     `yaml:"services" json:"services"`
	People       []Person      `yaml:"people,omitempty" json:"people"`
	Objectives   []Objective   `yaml:"objectives" json:"objectives"`
}

// Directorate is a Direzione Organizzativa, headed by a dirigente.
type Directorate struct {
	// Code is the short code used everywhere else ("I", "II", ... "VII").
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	// Dirigente is the id of the person who heads it.
	Dirigente string `yaml:"dirigente,omitempty" json:"dirigente"`
}

// Service is a Servizio inside a directorate. Objectives refer to it by name.
type Service struct {
	Name        string `yaml:"name" json:"name"`
	Directorate string `yaml:"directorate" json:"directorate"`
}

// Person is someone Sollecito may write to or hear from.
type Person struct {
	// ID is stable: values, bindings and history refer to it.
	ID    string `yaml:"id" json:"id"`
	Name  string `yaml:"name" json:"name"`
	Email string `yaml:"email,omitempty" json:"email"`
	// Telegram is the Telegram user id, normally filled in by the bot when
	// the person follows an invitation; it may be written here too.
	Telegram int64 `yaml:"telegram,omitempty" json:"telegram,omitempty"`
	// Roles: staff, responsabile, coordinator, admin.
	Roles []string `yaml:"roles,omitempty" json:"roles"`
	// Language is "it" (default) or "en".
	Language string `yaml:"language,omitempty" json:"language,omitempty"`
	// Title is the role as the plan writes it ("Funzionario EQ"); free text.
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
}

// Roles a person may hold.
const (
	RoleStaff        = "staff"
	RoleResponsabile = "responsabile"
	RoleCoordinator  = "coordinator"
	RoleAdmin        = "admin"
)

// HasRole reports whether p holds role.
func (p Person) HasRole(role string) bool {
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Lang returns the person's language, "it" unless "en" was chosen.
func (p Person) Lang() string {
	if p.Language == "en" {
		return "en"
	}
	return "it"
}

// Objective is one card (scheda obiettivo) of the plan.
type Objective struct {
	ID string `yaml:"id" json:"id"`
	// Title is the DESCRIZIONE OBIETTIVO.
	Title string `yaml:"title" json:"title"`
	// Category: strategico, gestionale, intersettoriale (as the plan writes it).
	Category     string  `yaml:"category,omitempty" json:"category"`
	Directorate  string  `yaml:"directorate" json:"directorate"`
	Service      string  `yaml:"service,omitempty" json:"service"`
	Responsabile string  `yaml:"responsabile,omitempty" json:"responsabile"`
	Missione     string  `yaml:"missione,omitempty" json:"missione,omitempty"`
	Programma    string  `yaml:"programma,omitempty" json:"programma,omitempty"`
	Outcome      string  `yaml:"outcome,omitempty" json:"outcome,omitempty"`
	Phases       []Phase `yaml:"phases,omitempty" json:"phases"`
	// Staff lists the ids of the people assigned (RISORSE UMANE).
	Staff []string `yaml:"staff,omitempty" json:"staff"`
	// StaffText keeps the RISORSE UMANE text when it names roles, not people.
	StaffText  string      `yaml:"staff_text,omitempty" json:"staff_text,omitempty"`
	Indicators []Indicator `yaml:"indicators,omitempty" json:"indicators"`
}

// Phase is one numbered action (AZIONI/FASI) of an objective.
type Phase struct {
	N    int    `yaml:"n" json:"n"`
	Text string `yaml:"text" json:"text"`
	// Deadline is the phrase as the plan writes it ("entro il 31/01/2024");
	// docs/deadlines.md gives the grammar. Empty when the phase has none.
	Deadline string `yaml:"deadline,omitempty" json:"deadline"`
	// Assignees default to the objective's staff.
	Assignees []string `yaml:"assignees,omitempty" json:"assignees,omitempty"`
}

// Indicator kinds.
const (
	KindPercent = "percent"
	KindNumber  = "number"
	KindDays    = "days"
	KindCount   = "count"
	KindRatio   = "ratio"
	KindYesNo   = "yesno"
	KindDate    = "date"
	KindText    = "text"
)

// IndicatorKinds lists every valid indicator kind.
var IndicatorKinds = []string{KindPercent, KindNumber, KindDays, KindCount, KindRatio, KindYesNo, KindDate, KindText}

// Indicator is one row of an objective's INDICATORI table.
type Indicator struct {
	ID          string `yaml:"id" json:"id"`
	Description string `yaml:"description" json:"description"`
	Formula     string `yaml:"formula,omitempty" json:"formula"`
	// Target is the text as written (">=90%", "Rispettato").
	Target string `yaml:"target,omitempty" json:"target"`
	// Kind is one of IndicatorKinds; default "text".
	Kind string `yaml:"kind,omitempty" json:"kind"`
	// Numerator and Denominator label the two counts of a ratio indicator.
	Numerator   string `yaml:"numerator,omitempty" json:"numerator,omitempty"`
	Denominator string `yaml:"denominator,omitempty" json:"denominator,omitempty"`
	// Periods are ids of the configured monitoring periods; default all
	// (the two semesters).
	Periods []string `yaml:"periods,omitempty" json:"periods"`
	// Assignees default to the objective's staff.
	Assignees []string `yaml:"assignees,omitempty" json:"assignees"`
	// Quantifications already written in the document, by period id
	// ("S1": "raggiunto"); kept as text for the record.
	Quantifications map[string]string `yaml:"quantifications,omitempty" json:"quantifications,omitempty"`
}
