package config

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sollecito/workflow/calendar"
)

// Options says where to load from. Empty paths mean the embedded files.
type Options struct {
	ConfigPath string
	PlanPath   string
	// DataDir, when set (the --data-dir flag), wins over file and
	// environment.
	DataDir string
	// LookupEnv reads the environment; nil means os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// CheckPhrase, when set, reports deadline phrases it does not
	// understand (as warnings: the phase keeps its text).
	CheckPhrase func(string) error
}

// Loaded is a configuration and a plan that passed validation, normalised.
type Loaded struct {
	Config     Config
	Plan       Plan
	ConfigFile string // as shown in messages
	PlanFile   string
	// Warnings are problems that do not stop loading (people without a
	// channel, deadline phrases not understood).
	Warnings Problems
}

// Location returns the configured time zone (validated at load).
func (l *Loaded) Location() *time.Location {
	loc, err := time.LoadLocation(l.Config.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Person returns the person with id.
func (l *Loaded) Person(id string) (Person, bool) {
	for _, p := range l.Plan.People {
		if p.ID == id {
			return p, true
		}
	}
	return Person{}, false
}

// DatabasePath returns the SQLite file path.
func (l *Loaded) DatabasePath() string {
	if filepath.IsAbs(l.Config.Database) {
		return l.Config.Database
	}
	return filepath.Join(l.Config.DataDir, l.Config.Database)
}

// CalendarSettings turns the calendar section into calendar settings.
func (l *Loaded) CalendarSettings() calendar.Settings {
	cc := l.Config.Calendar
	s := calendar.Settings{Location: l.Location(), ShiftSaturday: cc.ShiftSaturday, ShiftPatronSaint: cc.ShiftPatronSaint}
	s.PatronSaint, _ = calendar.ParseMonthDay(cc.PatronSaint)
	for _, d := range cc.Closures {
		if v, err := calendar.ParseDate(d); err == nil {
			s.Closures = append(s.Closures, v)
		}
	}
	for _, d := range cc.ExtraHolidays {
		if v, err := calendar.ParseMonthDay(d); err == nil {
			s.ExtraHolidays = append(s.ExtraHolidays, v)
		}
	}
	return s
}

// Load reads, overrides, validates and normalises the configuration and the
// plan. On any error it returns a *LoadError carrying every problem found in
// both files (and nothing half-loaded); warnings travel in Loaded.Warnings.
func Load(opt Options) (*Loaded, error) {
	lookup := opt.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var probs Problems
	l := &Loaded{Config: Defaults()}

	cfgName, cfgData, err := readSource(opt.ConfigPath, EmbeddedConfigName)
	if err != nil {
		return nil, &LoadError{Problems: Problems{{File: cfgName, It: err.Error(), En: err.Error()}}}
	}
	l.ConfigFile = cfgName
	cfgLines, ps, cfgBroken := decodeYAML(cfgName, cfgData, &l.Config)
	probs = append(probs, ps...)
	probs = append(probs, applyEnv(&l.Config, lookup)...)
	if opt.DataDir != "" {
		l.Config.DataDir = opt.DataDir
	}
	cfgC := collector{file: cfgName, lines: cfgLines, out: &probs}
	if !cfgBroken {
		validateConfig(&l.Config, cfgC)
	}

	planPath := opt.PlanPath
	if planPath == "" {
		if v, ok := lookup(EnvPrefix + "PLAN"); ok {
			planPath = v
		}
	}
	planName, planData, err := readSource(planPath, EmbeddedPlanName)
	if err != nil {
		probs = append(probs, Problem{File: planName, It: err.Error(), En: err.Error()})
		return nil, finish(probs)
	}
	l.PlanFile = planName
	planLines, ps, planBroken := decodeYAML(planName, planData, &l.Plan)
	probs = append(probs, ps...)
	if planBroken {
		return nil, finish(probs)
	}
	planC := collector{file: planName, lines: planLines, out: &probs}

	pc := planChecks{periods: map[string]bool{}, phrase: opt.CheckPhrase, people: planC}
	var periodIDs []string
	for _, p := range l.Config.Periods {
		pc.periods[p.ID] = true
		periodIDs = append(periodIDs, p.ID)
	}
	if l.Plan.PeopleFile != "" {
		pf := l.Plan.PeopleFile
		if !filepath.IsAbs(pf) && planPath != "" {
			pf = filepath.Join(filepath.Dir(planPath), pf)
		}
		people, c, ps := loadPeople(pf, planPath == "", &probs)
		probs = append(probs, ps...)
		pc.people, pc.peopleIndex = c, len(people)
		l.Plan.People = append(people, l.Plan.People...)
	}
	validatePlan(&l.Plan, planC, pc)
	if cfgBroken {
		return nil, finish(probs)
	}
	known := map[string]bool{}
	for _, p := range l.Plan.People {
		known[p.ID] = true
	}
	for i, id := range l.Config.Admins {
		if !known[id] {
			cfgC.errorf(fmt.Sprintf("admins[%d]", i), "admins: persona sconosciuta %q (non è tra le persone del piano)", "admins: unknown person %q (not among the plan's people)", id)
		}
	}
	for i, id := range l.Config.Coordinators {
		if !known[id] {
			cfgC.errorf(fmt.Sprintf("coordinators[%d]", i), "coordinators: persona sconosciuta %q (non è tra le persone del piano)", "coordinators: unknown person %q (not among the plan's people)", id)
		}
	}
	if err := finish(probs); err != nil {
		return nil, err
	}
	l.Plan.Normalize(periodIDs)
	l.Warnings = probs.Warnings()
	return l, nil
}

func finish(probs Problems) error {
	if len(probs.Errors()) == 0 {
		return nil
	}
	probs.Sort()
	return &LoadError{Problems: probs}
}

// peopleFile is the shape of a separate people file.
type peopleFile struct {
	People []Person `yaml:"people"`
}

func loadPeople(path string, embedded bool, out *Problems) ([]Person, collector, Problems) {
	var data []byte
	var err error
	if embedded {
		// The built-in plan's people file is built in too.
		path = "embedded/" + path
		data, err = Embedded.ReadFile(path)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		msg := fmt.Sprintf("impossibile leggere il file delle persone: %v", errNoSecret(err))
		return nil, collector{file: path, lines: newLineIndex(nil), out: out}, Problems{{File: path, It: msg, En: "cannot read the people file: " + errNoSecret(err).Error()}}
	}
	var pf peopleFile
	lines, ps, _ := decodeYAML(path, data, &pf)
	// Paths inside the people file are "people[i]" as in the plan.
	return pf.People, collector{file: path, lines: lines, out: out}, ps
}

// readSource reads a file, or the embedded default when path is empty.
func readSource(path, embedded string) (name string, data []byte, err error) {
	if path == "" {
		data, err = Embedded.ReadFile(embedded)
		return "(predefinito) " + embedded, data, err
	}
	data, err = os.ReadFile(path)
	if err != nil {
		return path, nil, fmt.Errorf("impossibile leggere il file: %w", errNoSecret(err))
	}
	return path, data, nil
}
