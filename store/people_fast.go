package store

import (
	"context"
	"fmt"
)

// PeopleNamedOrAway returns org's active people whose id is among ids,
// and those away on dayISO (away_from <= dayISO <= away_to, ISO dates;
// "" reads nobody away), by id. A weekly digest reads its recipients (for
// their channels) and everyone away (whom it names): a few of a plan's
// thousands of people. The ids go as one JSON array, so that the
// statement is prepared once.
func (s *Store) PeopleNamedOrAway(ctx context.Context, org string, ids []string, dayISO string) ([]Person, error) {
	list, err := jsonList(ids)
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	if ids == nil {
		list = "[]"
	}
	return s.queryPeople(ctx, sqlPeopleNamedOrAway, org, list, dayISO)
}

// sqlPeopleNamedOrAway looks the ids up by key, and finds the people
// away in one pass over the organisation's rows (no index holds absences;
// a plan has a few thousand people at most). A UNION rather than an OR:
// with OR, every row of the pass also looks itself up in the ids.
var sqlPeopleNamedOrAway = hot("SELECT " + personColumns + " FROM people WHERE org = ?1 AND active AND id IN (SELECT value FROM json_each(?2))" +
	" UNION SELECT " + personColumns + " FROM people WHERE org = ?1 AND active AND away_from <> '' AND away_from <= ?3 AND away_to >= ?3 ORDER BY id")
