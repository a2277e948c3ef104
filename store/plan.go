package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Person is a person as stored.
type Person struct {
	Org          string `gorm:"primaryKey"`
	ID           string `gorm:"primaryKey"`
	Name         string
	Email        string
	Language     string
	Roles        string // comma-separated
	Title        string
	Active       bool
	AwayFrom     string // ISO date, "" when not away
	AwayTo       string
	EmailFailing bool
}

// TableName names the table.
func (Person) TableName() string { return "people" }

// HasRole reports whether the person holds role.
func (p Person) HasRole(role string) bool {
	for _, r := range strings.Split(p.Roles, ",") {
		if r == role {
			return true
		}
	}
	return false
}

// Directorate is a directorate as stored.
type Directorate struct {
	Org       string `gorm:"primaryKey"`
	Code      string `gorm:"primaryKey"`
	Name      string
	Dirigente string
	Active    bool
}

// Objective is an objective as stored (the fields the daemon queries).
type Objective struct {
	Org          string `gorm:"primaryKey"`
	ID           string `gorm:"primaryKey"`
	Directorate  string
	Service      string
	Category     string
	Responsabile string
	Title        string
	Active       bool
}

// Indicator is an indicator as stored.
type Indicator struct {
	Org         string `gorm:"primaryKey"`
	ID          string `gorm:"primaryKey"`
	ObjectiveID string
	Position    int
	Description string
	Formula     string
	Target      string
	Kind        string
	Numerator   string
	Denominator string
	Periods     string // comma-separated
	Assignees   string // comma-separated
	Active      bool
}

// PlanSnapshot is the plan to keep in step with.
type PlanSnapshot struct {
	Org          string
	OrgName      string
	People       []Person
	Directorates []Directorate
	Objectives   []Objective
	Indicators   []Indicator
}

// SyncStats says what a plan sync changed.
type SyncStats struct {
	Upserted    int
	Deactivated int
}

// SyncPlan makes the stored plan equal to snap in one transaction: rows in
// snap are inserted or updated and marked active; rows no longer in snap are
// marked inactive, never deleted, so values of removed indicators are kept
// and come back if the indicator returns. Telegram bindings and away periods
// are the daemon's own state and are left alone.
func (s *Store) SyncPlan(ctx context.Context, snap PlanSnapshot, at time.Time) (SyncStats, error) {
	var st SyncStats
	err := s.Tx(ctx, func(tx *Store) error {
		db := tx.q(ctx)
		if err := db.Exec(`INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name`, snap.Org, snap.OrgName, Millis(at)).Error; err != nil {
			return fmt.Errorf("sync organisation: %w", err)
		}
		type table struct {
			name string
			cols []string // the key (org, id or code) first
			n    int
			row  func(i int) []any
		}
		tables := []table{
			{"people", []string{"org", "id", "name", "email", "language", "roles", "title", "active"}, len(snap.People), func(i int) []any {
				p := &snap.People[i]
				return []any{snap.Org, p.ID, p.Name, p.Email, p.Language, p.Roles, p.Title, true}
			}},
			{"directorates", []string{"org", "code", "name", "dirigente", "active"}, len(snap.Directorates), func(i int) []any {
				d := &snap.Directorates[i]
				return []any{snap.Org, d.Code, d.Name, d.Dirigente, true}
			}},
			{"objectives", []string{"org", "id", "directorate", "service", "category", "responsabile", "title", "active"}, len(snap.Objectives), func(i int) []any {
				o := &snap.Objectives[i]
				return []any{snap.Org, o.ID, o.Directorate, o.Service, o.Category, o.Responsabile, o.Title, true}
			}},
			{"indicators", []string{"org", "id", "objective_id", "position", "description", "formula", "target", "kind", "numerator", "denominator", "periods", "assignees", "active"}, len(snap.Indicators), func(i int) []any {
				ind := &snap.Indicators[i]
				return []any{snap.Org, ind.ID, ind.ObjectiveID, ind.Position, ind.Description, ind.Formula, ind.Target, ind.Kind,
					ind.Numerator, ind.Denominator, ind.Periods, ind.Assignees, true}
			}},
		}
		for _, t := range tables {
			key := t.cols[1]
			var active []string
			if err := db.Table(t.name).Where("org = ? AND active", snap.Org).Pluck(key, &active).Error; err != nil {
				return fmt.Errorf("read %s: %w", t.name, err)
			}
			keep := make(map[string]bool, t.n)
			for i := 0; i < t.n; i++ {
				keep[t.row(i)[1].(string)] = true
			}
			for _, id := range active {
				if !keep[id] {
					st.Deactivated++
				}
			}
			// Everything off, then the plan's rows back on: no IN list
			// that could outgrow the database's parameter limit.
			if _, err := tx.exec(ctx, "UPDATE "+t.name+" SET active = FALSE WHERE org = ?", snap.Org); err != nil {
				return fmt.Errorf("deactivate %s: %w", t.name, err)
			}
			if t.n > 0 {
				var set strings.Builder
				for _, c := range t.cols[2:] {
					if set.Len() > 0 {
						set.WriteString(", ")
					}
					set.WriteString(c + " = excluded." + c)
				}
				if err := tx.insertMany(ctx, t.name, t.cols, t.n, t.row, "ON CONFLICT (org, "+key+") DO UPDATE SET "+set.String()); err != nil {
					return fmt.Errorf("sync %s: %w", t.name, err)
				}
				st.Upserted += t.n
			}
		}
		return nil
	})
	return st, err
}

// People returns the active people of org, by id.
func (s *Store) People(ctx context.Context, org string) ([]Person, error) {
	return s.queryPeople(ctx, sqlPeople, org)
}

var sqlPeople = hot("SELECT " + personColumns + " FROM people WHERE org = ? AND active ORDER BY id")

func (s *Store) queryPeople(ctx context.Context, query string, args ...any) ([]Person, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.Org, &p.ID, &p.Name, &p.Email, &p.Language, &p.Roles, &p.Title, &p.Active, &p.AwayFrom, &p.AwayTo, &p.EmailFailing); err != nil {
			return nil, fmt.Errorf("read people: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	return out, nil
}

const personColumns = "org, id, name, email, language, roles, title, active, away_from, away_to, email_failing"

// GetPerson returns one person (active or not).
func (s *Store) GetPerson(ctx context.Context, org, id string) (Person, error) {
	var p Person
	err := s.q(ctx).Where("org = ? AND id = ?", org, id).Take(&p).Error
	return p, notFound(err)
}

// SetAway records that a person is away between two ISO dates ("" clears).
func (s *Store) SetAway(ctx context.Context, org, id, from, to string) error {
	return s.q(ctx).Model(&Person{}).Where("org = ? AND id = ?", org, id).
		Updates(map[string]any{"away_from": from, "away_to": to}).Error
}

// SetEmailFailing marks a person's address as failing (bounces) or fine.
func (s *Store) SetEmailFailing(ctx context.Context, org, id string, failing bool) error {
	return s.q(ctx).Model(&Person{}).Where("org = ? AND id = ?", org, id).Update("email_failing", failing).Error
}

// Indicators returns the active indicators of org in plan order.
func (s *Store) Indicators(ctx context.Context, org string) ([]Indicator, error) {
	var out []Indicator
	err := s.q(ctx).Where("org = ? AND active", org).Order("objective_id, position").Find(&out).Error
	return out, err
}

// GetIndicator returns one indicator (active or not).
func (s *Store) GetIndicator(ctx context.Context, org, id string) (Indicator, error) {
	var ind Indicator
	err := s.q(ctx).Where("org = ? AND id = ?", org, id).Take(&ind).Error
	return ind, notFound(err)
}

// PeopleByIDs returns the people of org (active or not) with the given ids.
func (s *Store) PeopleByIDs(ctx context.Context, org string, ids []string) ([]Person, error) {
	var out []Person
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		args := make([]any, 0, end-start+1)
		args = append(args, org)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		part, err := s.queryPeople(ctx, "SELECT "+personColumns+" FROM people WHERE org = ? AND id IN "+inList(end-start), args...)
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	return out, nil
}
