package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

var idRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// planChecks carries what validatePlan needs besides the plan.
type planChecks struct {
	periods     map[string]bool
	phrase      func(string) error // nil: phrases are not checked
	people      collector          // where people problems are located
	peopleIndex int                // offset of plan people in p.People (people file first)
}

// Normalize fills the plan's defaults: indicator periods (every configured
// period), indicator and phase assignees (the objective's staff), kind
// ("text"), person language ("it").
func (p *Plan) Normalize(periodIDs []string) {
	for i := range p.People {
		if p.People[i].Language == "" {
			p.People[i].Language = "it"
		}
	}
	for i := range p.Objectives {
		o := &p.Objectives[i]
		for j := range o.Indicators {
			ind := &o.Indicators[j]
			if ind.Kind == "" {
				ind.Kind = KindText
			}
			if len(ind.Periods) == 0 {
				ind.Periods = append([]string(nil), periodIDs...)
			}
			if len(ind.Assignees) == 0 {
				ind.Assignees = append([]string(nil), o.Staff...)
			}
		}
		for j := range o.Phases {
			if len(o.Phases[j].Assignees) == 0 {
				o.Phases[j].Assignees = append([]string(nil), o.Staff...)
			}
		}
	}
}

// validatePlan checks ids, references and values, reporting each problem
// at its line. Plan people come from the people file when there is one.
func validatePlan(p *Plan, c collector, pc planChecks) {
	if strings.TrimSpace(p.Organisation) == "" {
		c.errorf("organisation", "organisation: nome dell'amministrazione mancante", "organisation: the administration's name is missing")
	}
	if p.Year < 2000 || p.Year > 2100 {
		c.errorf("year", "year: anno del piano (esercizio) mancante o non plausibile: %d", "year: plan year missing or implausible: %d", p.Year)
	}
	people := map[string]bool{}
	for i, per := range p.People {
		cc, path := c, fmt.Sprintf("people[%d]", i)
		if i < pc.peopleIndex {
			cc = pc.people
		} else {
			path = fmt.Sprintf("people[%d]", i-pc.peopleIndex)
		}
		switch {
		case !idRe.MatchString(per.ID):
			cc.errorf(path+".id", "persona %q: id mancante o non valido (lettere, cifre, punti, trattini)", "person %q: id missing or invalid (letters, digits, dots, dashes)", per.ID)
		case people[per.ID]:
			cc.errorf(path+".id", "persona %q: id duplicato", "person %q: duplicate id", per.ID)
		}
		people[per.ID] = true
		if strings.TrimSpace(per.Name) == "" {
			cc.errorf(path+".name", "persona %q: nome mancante", "person %q: name missing", per.ID)
		}
		if per.Email != "" {
			if a, err := mail.ParseAddress(per.Email); err != nil || a.Address != per.Email {
				cc.errorf(path+".email", "persona %q: indirizzo e-mail non valido %q", "person %q: invalid e-mail address %q", per.ID, per.Email)
			}
		}
		for j, r := range per.Roles {
			if r != RoleStaff && r != RoleResponsabile && r != RoleCoordinator && r != RoleAdmin {
				cc.errorf(fmt.Sprintf("%s.roles[%d]", path, j), "persona %q: ruolo sconosciuto %q (ammessi: staff, responsabile, coordinator, admin)", "person %q: unknown role %q (allowed: staff, responsabile, coordinator, admin)", per.ID, r)
			}
		}
		if per.Language != "" && per.Language != "it" && per.Language != "en" {
			cc.errorf(path+".language", "persona %q: lingua %q non ammessa (it o en)", "person %q: language %q not allowed (it or en)", per.ID, per.Language)
		}
		if per.Email == "" && per.Telegram == 0 {
			cc.warnf(path, "persona %q (%s): nessun contatto nel piano (né e-mail né Telegram): aggiungere l'e-mail o invitarla al bot con \"sollecito people invite\"", "person %q (%s): no contact in the plan (neither e-mail nor Telegram): add the e-mail or invite them to the bot with \"sollecito people invite\"", per.ID, per.Name)
		}
	}
	ref := func(path, what, id string) {
		if id != "" && !people[id] {
			c.errorf(path, "%s: persona sconosciuta %q (non è nell'elenco people)", "%s: unknown person %q (not in the people list)", what, id)
		}
	}
	dirs := map[string]bool{}
	for i, d := range p.Directorates {
		path := fmt.Sprintf("directorates[%d]", i)
		if d.Code == "" {
			c.errorf(path+".code", "direzione %d: codice mancante", "directorate %d: code missing", i+1)
		} else if dirs[d.Code] {
			c.errorf(path+".code", "direzione %q: codice duplicato", "directorate %q: duplicate code", d.Code)
		}
		dirs[d.Code] = true
		ref(path+".dirigente", fmt.Sprintf("direzione %q, dirigente", d.Code), d.Dirigente)
	}
	services := map[string]bool{}
	for i, s := range p.Services {
		path := fmt.Sprintf("services[%d]", i)
		key := s.Directorate + "\x00" + s.Name
		if s.Name == "" {
			c.errorf(path+".name", "servizio %d: nome mancante", "service %d: name missing", i+1)
		} else if services[key] {
			c.errorf(path+".name", "servizio %q: duplicato nella direzione %q", "service %q: duplicate in directorate %q", s.Name, s.Directorate)
		}
		services[key] = true
		if !dirs[s.Directorate] {
			c.errorf(path+".directorate", "servizio %q: direzione sconosciuta %q", "service %q: unknown directorate %q", s.Name, s.Directorate)
		}
	}
	objIDs, indIDs := map[string]bool{}, map[string]bool{}
	for i, o := range p.Objectives {
		path := fmt.Sprintf("objectives[%d]", i)
		name := fmt.Sprintf("obiettivo %q", o.ID)
		switch {
		case !idRe.MatchString(o.ID):
			c.errorf(path+".id", "obiettivo %d: id mancante o non valido %q", "objective %d: id missing or invalid %q", i+1, o.ID)
		case objIDs[o.ID]:
			c.errorf(path+".id", "obiettivo %q: id duplicato", "objective %q: duplicate id", o.ID)
		}
		objIDs[o.ID] = true
		if strings.TrimSpace(o.Title) == "" {
			c.errorf(path+".title", "obiettivo %q: titolo mancante", "objective %q: title missing", o.ID)
		}
		if !dirs[o.Directorate] {
			c.errorf(path+".directorate", "obiettivo %q: direzione sconosciuta %q", "objective %q: unknown directorate %q", o.ID, o.Directorate)
		} else if o.Service != "" && !services[o.Directorate+"\x00"+o.Service] {
			c.errorf(path+".service", "obiettivo %q: servizio sconosciuto %q nella direzione %q", "objective %q: unknown service %q in directorate %q", o.ID, o.Service, o.Directorate)
		}
		ref(path+".responsabile", name+", responsabile", o.Responsabile)
		for j, s := range o.Staff {
			ref(fmt.Sprintf("%s.staff[%d]", path, j), name+", staff", s)
		}
		phaseNs := map[int]bool{}
		for j, ph := range o.Phases {
			pp := fmt.Sprintf("%s.phases[%d]", path, j)
			if phaseNs[ph.N] {
				c.errorf(pp+".n", "obiettivo %q: fase %d duplicata", "objective %q: duplicate phase %d", o.ID, ph.N)
			}
			phaseNs[ph.N] = true
			for k, a := range ph.Assignees {
				ref(fmt.Sprintf("%s.assignees[%d]", pp, k), fmt.Sprintf("%s, fase %d", name, ph.N), a)
			}
			if ph.Deadline != "" && pc.phrase != nil {
				if err := pc.phrase(ph.Deadline); err != nil {
					c.warnf(pp+".deadline", "obiettivo %q, fase %d: scadenza non riconosciuta %q: resta come testo, senza promemoria (docs/deadlines.md)", "objective %q, phase %d: deadline not understood %q: kept as text, no reminders (docs/deadlines.md)", o.ID, ph.N, ph.Deadline)
				}
			}
		}
		for j, ind := range o.Indicators {
			validateIndicator(c, ind, fmt.Sprintf("%s.indicators[%d]", path, j), indIDs, pc, ref)
		}
	}
}

func validateIndicator(c collector, ind Indicator, path string, seen map[string]bool, pc planChecks, ref func(path, what, id string)) {
	name := fmt.Sprintf("indicatore %q", ind.ID)
	switch {
	case !idRe.MatchString(ind.ID):
		c.errorf(path+".id", "indicatore: id mancante o non valido %q", "indicator: id missing or invalid %q", ind.ID)
	case seen[ind.ID]:
		c.errorf(path+".id", "indicatore %q: id duplicato", "indicator %q: duplicate id", ind.ID)
	}
	seen[ind.ID] = true
	if strings.TrimSpace(ind.Description) == "" {
		c.errorf(path+".description", "indicatore %q: descrizione mancante", "indicator %q: description missing", ind.ID)
	}
	valid := false
	for _, k := range IndicatorKinds {
		valid = valid || ind.Kind == k
	}
	if !valid {
		c.errorf(path+".kind", "indicatore %q: tipo %q sconosciuto (ammessi: %s)", "indicator %q: unknown kind %q (allowed: %s)", ind.ID, ind.Kind, strings.Join(IndicatorKinds, ", "))
	}
	for k, per := range ind.Periods {
		if !pc.periods[per] {
			c.errorf(fmt.Sprintf("%s.periods[%d]", path, k), "indicatore %q: periodo sconosciuto %q (definiti in configurazione: periods)", "indicator %q: unknown period %q (defined in the configuration: periods)", ind.ID, per)
		}
	}
	for k, a := range ind.Assignees {
		ref(fmt.Sprintf("%s.assignees[%d]", path, k), name+", assignees", a)
	}
	for per := range ind.Quantifications {
		if !pc.periods[per] {
			c.errorf(path+".quantifications", "indicatore %q: quantificazione per un periodo sconosciuto %q", "indicator %q: quantification for an unknown period %q", ind.ID, per)
		}
	}
}
