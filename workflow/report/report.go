// Package report lays out the values collected for a monitoring period as
// the semester report and the publication in Amministrazione trasparente
// need them: one row per indicator (CSV, XLSX) or the plan's cards with
// their QUANTIFICAZIONE rows filled in (HTML, printable on A4).
package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/calendar"
)

// Options select what a report covers.
type Options struct {
	// Period is the period reported on ("2024-S1" or "S1"): its values and
	// those of earlier periods are shown, and "target met" refers to it.
	Period string
	// Directorate limits the report to one directorate code ("" = all).
	Directorate string
	// Lang is "it" (default) or "en".
	Lang string
}

// Cell is an indicator's value for one period.
type Cell struct {
	Period string // "2024-S1"
	Value  string // as people read it; "" when none was received
	Note   string
	By     string // sender's name ("" for an administrator)
	At     string // dd/mm/yyyy hh:mm
	// Met is "sì"/"yes", "no", "non valutabile"/"not assessable", or ""
	// when there is no value.
	Met string
}

// Row is one indicator with its values.
type Row struct {
	Directorate     string // code
	DirectorateName string
	Service         string
	ObjectiveID     string
	Objective       string
	IndicatorID     string
	Indicator       string
	Formula         string
	Target          string
	Cells           []Cell // one per configured period, in order
	Met             string // of the reported period
}

// Phase is a phase of a card, with how its deadline went.
type Phase struct {
	N        int
	Text     string
	Deadline string
	State    string // "conclusa il 12/03/2024", "in ritardo", "in attesa dell'evento ..."
}

// Card is an objective as the plan prints it.
type Card struct {
	ObjectiveID     string
	Title           string
	Category        string
	Directorate     string
	DirectorateName string
	Service         string
	Responsabile    string
	Staff           string
	Phases          []Phase
	Rows            []Row
}

// Report is the values of a period laid out by indicator and by card.
type Report struct {
	Org         string
	Year        int
	Period      workflow.Period
	PeriodName  string
	Lang        string
	Generated   time.Time
	PeriodNames []string // column titles of the periods, in order
	Cards       []Card
}

// Rows returns every indicator row, card after card.
func (r *Report) Rows() []Row {
	var out []Row
	for _, c := range r.Cards {
		out = append(out, c.Rows...)
	}
	return out
}

// Build reads the plan and the values in force and lays them out.
func Build(ctx context.Context, eng *workflow.Engine, opt Options) (*Report, error) {
	snap := eng.Snapshot()
	lang := "it"
	if opt.Lang == "en" {
		lang = "en"
	}
	en := lang == "en"
	p, err := snap.ParsePeriod(opt.Period)
	if err != nil {
		return nil, err
	}
	if opt.Directorate != "" {
		if _, ok := snap.Directorate(opt.Directorate); !ok {
			var codes []string
			for _, d := range snap.Plan().Directorates {
				codes = append(codes, d.Code)
			}
			return nil, &workflow.UserError{
				It: fmt.Sprintf("direzione %q sconosciuta: codici validi %s", opt.Directorate, strings.Join(codes, ", ")),
				En: fmt.Sprintf("unknown directorate %q: valid codes %s", opt.Directorate, strings.Join(codes, ", ")),
			}
		}
	}
	// The periods shown: every configured one up to the reported one.
	var periods []workflow.Period
	for _, pc := range snap.Config().Periods {
		periods = append(periods, workflow.Period{Year: p.Year, ID: pc.ID})
	}
	last := slices.IndexFunc(periods, func(q workflow.Period) bool { return q.ID == p.ID })
	org := snap.Org()
	latest, err := eng.Store().LatestValues(ctx, store.ValueFilter{Org: org})
	if err != nil {
		return nil, err
	}
	vals := map[string]store.Value{}
	for _, v := range latest {
		vals[v.IndicatorID+"\x00"+v.Period] = v
	}
	items, err := eng.Store().Items(ctx, org)
	if err != nil {
		return nil, err
	}
	phaseItems := map[string][]store.Item{}
	for _, it := range items {
		if it.Kind == workflow.KindPhase && it.State != store.StateRemoved {
			k := fmt.Sprintf("%s/%d", it.ObjectiveID, it.PhaseN)
			phaseItems[k] = append(phaseItems[k], it)
		}
	}
	loc := snap.L.Location()
	today := snap.Cal.Today(eng.Now())
	rep := &Report{Org: snap.Plan().Organisation, Year: snap.Plan().Year, Period: p, PeriodName: snap.PeriodName(p, lang),
		Lang: lang, Generated: eng.Now().In(loc)}
	for _, q := range periods {
		rep.PeriodNames = append(rep.PeriodNames, snap.PeriodName(q, lang))
	}
	name := func(id string) string {
		if per, ok := snap.Person(id); ok {
			return per.Name
		}
		return id
	}
	for _, o := range snap.Plan().Objectives {
		if opt.Directorate != "" && o.Directorate != opt.Directorate {
			continue
		}
		card := Card{ObjectiveID: o.ID, Title: o.Title, Category: o.Category, Directorate: o.Directorate, Service: o.Service,
			Responsabile: name(o.Responsabile)}
		if d, ok := snap.Directorate(o.Directorate); ok {
			card.DirectorateName = d.Name
		}
		var staff []string
		for _, id := range o.Staff {
			staff = append(staff, name(id))
		}
		card.Staff = strings.Join(staff, ", ")
		if card.Staff == "" {
			card.Staff = o.StaffText
		}
		for _, ph := range o.Phases {
			card.Phases = append(card.Phases, Phase{N: ph.N, Text: ph.Text, Deadline: ph.Deadline,
				State: phaseState(phaseItems[fmt.Sprintf("%s/%d", o.ID, ph.N)], snap, today, en)})
		}
		for _, ind := range o.Indicators {
			ref, _ := snap.Indicator(ind.ID)
			row := Row{Directorate: o.Directorate, DirectorateName: card.DirectorateName, Service: o.Service, ObjectiveID: o.ID,
				Objective: o.Title, IndicatorID: ind.ID, Indicator: ind.Description, Formula: ind.Formula, Target: ind.Target}
			for i, q := range periods {
				c := Cell{Period: q.String()}
				v, has := vals[ind.ID+"\x00"+q.String()]
				if has && i <= last {
					val := workflow.ValueOf(v)
					c.Value, c.Note = val.Format(lang), val.Note
					c.At = workflow.ReceivedAt(v).In(loc).Format("02/01/2006 15:04")
					if v.ByPerson != "" {
						c.By = name(v.ByPerson)
					} else {
						c.By = pick(en, "amministratore", "administrator")
					}
					met, ok := workflow.EvaluateTarget(ref, val)
					switch {
					case !ok:
						c.Met = pick(en, "non valutabile", "not assessable")
					case met:
						c.Met = pick(en, "sì", "yes")
					default:
						c.Met = "no"
					}
				} else if !slices.Contains(ind.Periods, q.ID) && len(ind.Periods) > 0 {
					c.Value = pick(en, "non previsto", "not measured")
				}
				row.Cells = append(row.Cells, c)
			}
			row.Met = row.Cells[last].Met
			card.Rows = append(card.Rows, row)
		}
		rep.Cards = append(rep.Cards, card)
	}
	return rep, nil
}

// phaseState says how a phase's deadlines went, in a few words.
func phaseState(items []store.Item, snap *workflow.Snapshot, today calendar.Date, en bool) string {
	if len(items) == 0 {
		return ""
	}
	var open, late, done int
	var lastDone calendar.Date
	for _, it := range items {
		switch it.State {
		case store.StateAwaitingEvent:
			return pick(en, "in attesa della data dell'evento ("+it.Period+")", "awaiting the event date ("+it.Period+")")
		case store.StateDone:
			done++
			if d, err := calendar.ParseDate(it.DoneOn); err == nil && d.After(lastDone) {
				lastDone = d
			}
		case store.StateOpen:
			due, _ := calendar.ParseDate(it.Due)
			if it.Tracked && snap.Policy.DaysLate(due, today) > 0 {
				late++
			} else {
				open++
			}
		}
	}
	switch {
	case len(items) == 1 && done == 1:
		return pick(en, "conclusa il ", "done on ") + lastDone.Italian()
	case late == 1:
		return pick(en, "1 scadenza superata", "1 deadline passed")
	case late > 0:
		return fmt.Sprintf(pick(en, "%d scadenze superate", "%d deadlines passed"), late)
	case done > 0:
		return fmt.Sprintf(pick(en, "%d su %d concluse", "%d of %d done"), done, len(items))
	}
	return pick(en, "in corso", "in progress")
}

func pick(en bool, it, eng string) string {
	if en {
		return eng
	}
	return it
}

// Header returns the column titles of the tabular forms (CSV, XLSX).
func (r *Report) Header() []string {
	en := r.Lang == "en"
	h := []string{pick(en, "Direzione", "Directorate"), pick(en, "Servizio", "Service"), pick(en, "Obiettivo", "Objective"),
		pick(en, "Descrizione obiettivo", "Objective description"), pick(en, "Indicatore", "Indicator"),
		pick(en, "Descrizione indicatore", "Indicator description"), "Formula", "Target"}
	for _, n := range r.PeriodNames {
		h = append(h, pick(en, "Valore ", "Value ")+n, pick(en, "Note ", "Notes ")+n,
			pick(en, "Inviato da ", "Sent by ")+n, pick(en, "Ricevuto il ", "Received on ")+n)
	}
	return append(h, pick(en, "Target raggiunto (", "Target met (")+r.PeriodName+")")
}

// Records returns the header and one record per indicator: the content of
// the CSV file and of the XLSX sheet.
func (r *Report) Records() [][]string {
	out := [][]string{r.Header()}
	for _, row := range r.Rows() {
		dir := row.Directorate
		if row.DirectorateName != "" {
			dir += " - " + row.DirectorateName
		}
		rec := []string{dir, row.Service, row.ObjectiveID, row.Objective, row.IndicatorID, row.Indicator, row.Formula, row.Target}
		for _, c := range row.Cells {
			rec = append(rec, c.Value, c.Note, c.By, c.At)
		}
		out = append(out, append(rec, row.Met))
	}
	return out
}

// WriteCSV writes the report as CSV (RFC 4180, UTF-8, comma-separated).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(r.Records()); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
