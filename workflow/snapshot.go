package workflow

import (
	"fmt"
	"strings"
	"sync"

	"sollecito/config"
	"sollecito/store"
	"sollecito/workflow/calendar"
)

// Snapshot is one loaded configuration and plan, indexed for the daemon.
// It is immutable once built: a reload builds a new one.
type Snapshot struct {
	L      *config.Loaded
	Cal    *calendar.Calendar
	Policy *Policy
	// TrackingStart: deadlines due before it are never reminded.
	TrackingStart calendar.Date

	periods      map[string]config.PeriodConfig
	objectives   map[string]*config.Objective
	indicators   map[string]*IndicatorRef
	people       map[string]*config.Person
	directorates map[string]*config.Directorate

	// labels memoises the texts every message line repeats (objective
	// label, shortened titles, period names): derived from the plan only,
	// so they live and die with the snapshot.
	labels sync.Map // string -> string
	// lines remembers each item's line (lines.go).
	lines itemLines

	orderOnce      sync.Once // objPos and indPos, built on first use (itemOrder)
	objPos, indPos map[string]int
	coordOnce      sync.Once // coordinators, built on first use (Coordinators)
	coordinators   []string
}

// IndicatorRef is an indicator with its objective.
type IndicatorRef struct {
	*config.Indicator
	Objective *config.Objective
}

// NewSnapshot indexes a loaded configuration and plan.
func NewSnapshot(l *config.Loaded) (*Snapshot, error) {
	s := &Snapshot{
		L:            l,
		Cal:          calendar.New(l.CalendarSettings()),
		periods:      map[string]config.PeriodConfig{},
		objectives:   map[string]*config.Objective{},
		indicators:   map[string]*IndicatorRef{},
		people:       map[string]*config.Person{},
		directorates: map[string]*config.Directorate{},
	}
	pol, err := NewPolicy(s.Cal, l.Config)
	if err != nil {
		return nil, err
	}
	s.Policy = pol
	for _, p := range l.Config.Periods {
		s.periods[p.ID] = p
	}
	for i := range l.Plan.People {
		s.people[l.Plan.People[i].ID] = &l.Plan.People[i]
	}
	for i := range l.Plan.Directorates {
		s.directorates[l.Plan.Directorates[i].Code] = &l.Plan.Directorates[i]
	}
	for i := range l.Plan.Objectives {
		o := &l.Plan.Objectives[i]
		s.objectives[o.ID] = o
		for j := range o.Indicators {
			s.indicators[o.Indicators[j].ID] = &IndicatorRef{Indicator: &o.Indicators[j], Objective: o}
		}
	}
	return s, nil
}

// Config returns the configuration.
func (s *Snapshot) Config() *config.Config { return &s.L.Config }

// Plan returns the plan.
func (s *Snapshot) Plan() *config.Plan { return &s.L.Plan }

// Org returns the organisation code every row carries.
func (s *Snapshot) Org() string { return s.L.Config.Organisation }

// Indicator looks an indicator up by id (case-insensitive).
func (s *Snapshot) Indicator(id string) (*IndicatorRef, bool) {
	if r, ok := s.indicators[id]; ok {
		return r, true
	}
	for k, r := range s.indicators {
		if strings.EqualFold(k, id) {
			return r, true
		}
	}
	return nil, false
}

// Objective looks an objective up by id.
func (s *Snapshot) Objective(id string) (*config.Objective, bool) {
	o, ok := s.objectives[id]
	return o, ok
}

// Person looks a person up by id.
func (s *Snapshot) Person(id string) (*config.Person, bool) {
	p, ok := s.people[id]
	return p, ok
}

// Directorate looks a directorate up by code.
func (s *Snapshot) Directorate(code string) (*config.Directorate, bool) {
	d, ok := s.directorates[code]
	return d, ok
}

// PeriodConfig returns the configured period with id.
func (s *Snapshot) PeriodConfig(id string) (config.PeriodConfig, bool) {
	p, ok := s.periods[id]
	return p, ok
}

// PeriodName is the period as people read it ("1° semestre 2024").
func (s *Snapshot) PeriodName(p Period, lang string) string {
	pc, ok := s.periods[p.ID]
	if !ok {
		return p.String()
	}
	name := pc.Name
	if lang == "en" && pc.NameEN != "" {
		name = pc.NameEN
	}
	return fmt.Sprintf("%s %d", name, p.Year)
}

// IsAdmin reports whether a person is an administrator (configuration
// admins or the admin role).
func (s *Snapshot) IsAdmin(id string) bool {
	for _, a := range s.Config().Admins {
		if a == id {
			return true
		}
	}
	p, ok := s.people[id]
	return ok && p.HasRole(config.RoleAdmin)
}

// IsCoordinator reports whether a person is a coordinator.
func (s *Snapshot) IsCoordinator(id string) bool {
	for _, a := range s.Config().Coordinators {
		if a == id {
			return true
		}
	}
	p, ok := s.people[id]
	return ok && p.HasRole(config.RoleCoordinator)
}

// storeSnapshot converts the plan into the store's rows.
func (s *Snapshot) storeSnapshot() store.PlanSnapshot {
	org := s.Org()
	p := s.Plan()
	snap := store.PlanSnapshot{Org: org, OrgName: p.Organisation}
	for _, per := range p.People {
		snap.People = append(snap.People, store.Person{Org: org, ID: per.ID, Name: per.Name, Email: per.Email,
			Language: per.Lang(), Roles: strings.Join(per.Roles, ","), Title: per.Title, Active: true})
	}
	for _, d := range p.Directorates {
		snap.Directorates = append(snap.Directorates, store.Directorate{Org: org, Code: d.Code, Name: d.Name, Dirigente: d.Dirigente, Active: true})
	}
	for _, o := range p.Objectives {
		snap.Objectives = append(snap.Objectives, store.Objective{Org: org, ID: o.ID, Directorate: o.Directorate, Service: o.Service,
			Category: o.Category, Responsabile: o.Responsabile, Title: o.Title, Active: true})
		for i, ind := range o.Indicators {
			snap.Indicators = append(snap.Indicators, store.Indicator{Org: org, ID: ind.ID, ObjectiveID: o.ID, Position: i,
				Description: ind.Description, Formula: ind.Formula, Target: ind.Target, Kind: ind.Kind,
				Numerator: ind.Numerator, Denominator: ind.Denominator, Periods: strings.Join(ind.Periods, ","),
				Assignees: strings.Join(ind.Assignees, ","), Active: true})
		}
	}
	return snap
}

// label returns the memoised text for key, computing it once with make.
func (s *Snapshot) label(key string, make func() string) string {
	if v, ok := s.labels.Load(key); ok {
		return v.(string)
	}
	v := make()
	s.labels.Store(key, v)
	return v
}
