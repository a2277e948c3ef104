// Command sollecito is the Sollecito daemon and its administration tool:
// it parses the command line, wires the packages together and turns
// signals into a context and reload requests. It holds no domain logic.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"sollecito/config"
	"sollecito/store"
	"sollecito/workflow"
	"sollecito/workflow/deadline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	os.Exit(run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, lookup: os.LookupEnv, reload: reload}))
}

// env is what the process gives the app; tests build their own.
type env struct {
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	reload         <-chan struct{}
	// now, when set, replaces the wall clock (tests).
	now func() time.Time
	// ready, when set, is called once the daemon is up (tests).
	ready func(*daemon)
	// reloaded, when set, is called after each reload with its outcome.
	reloaded func(applied bool)
}

// app is one invocation.
type app struct {
	env
	configPath, planPath, dataDir, lang string
	logLevel, logFormat                 string
}

const usage = `sollecito: promemoria, raccolta dei valori e solleciti per il piano della performance (PIAO)

Uso: sollecito [opzioni globali] COMANDO [argomenti]

Comandi:
  run                    avvia il demone (senza file: configurazione e piano 2024 della Provincia di Lecco integrati; --demo)
  check                  controlla configurazione e piano e segnala ogni problema
  plan show              mostra il piano normalizzato (--format table|json)
  values set IND PER VAL registra un valore ricevuto a mano (--note, --by)
  values list            elenca i valori (--period, --history, --format table|json)
  event set NOME DATA    registra la data di un evento (bilancio, rendiconto, piao ...)
  event list             elenca gli eventi registrati
  people invite PERSONA  invito Telegram monouso: stampa il link t.me (--ttl, --bot, --mail per inviarlo via e-mail)
  mail inspect FILE.eml  mostra come viene letta una risposta e-mail, senza registrare nulla (--format text|json)
  calendar               scadenze nel periodo (--from, --to, --rule, --event, --format table|json|ics)
  simulate               simula un periodo su una copia del database (--from, --to)
  status                 completamento e quota in target per direzione (--directorate, --period, --format table|json)
  report                 valori di un periodo per la relazione (--period, --directorate, --format csv|xlsx|html, -o FILE)
  import piao FILE.txt   importa il testo del PIAO in un piano (-o, --people, --format yaml|json, --report)
  version                mostra la versione

Opzioni globali (valgono per ogni comando):
  --config FILE     file di configurazione (SOLLECITO_CONFIG)
  --plan FILE       file del piano (SOLLECITO_PLAN)
  --data-dir DIR    cartella dei dati (SOLLECITO_DATA_DIR, predefinita ./sollecito-data)
  --lang it|en      lingua dei messaggi (SOLLECITO_LANGUAGE)

Documentazione: README.md e docs/.
`

// Version is set at build time with -ldflags.
var Version = "dev"

func run(ctx context.Context, args []string, e env) int {
	if e.lookup == nil {
		e.lookup = func(string) (string, bool) { return "", false }
	}
	a := &app{env: e}
	a.configPath, _ = e.lookup("SOLLECITO_CONFIG")
	a.planPath, _ = e.lookup("SOLLECITO_PLAN")
	a.lang, _ = e.lookup("SOLLECITO_LANGUAGE")
	fs := a.flags("sollecito")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprint(a.stderr, usage)
		return 2
	}
	cmd, rest := rest[0], rest[1:]
	switch cmd {
	case "run":
		return a.cmdRun(ctx, rest)
	case "check":
		return a.cmdCheck(rest)
	case "plan":
		return a.sub(ctx, "plan", rest, map[string]func(context.Context, []string) int{"show": a.cmdPlanShow})
	case "values":
		return a.sub(ctx, "values", rest, map[string]func(context.Context, []string) int{"set": a.cmdValuesSet, "list": a.cmdValuesList})
	case "event":
		return a.sub(ctx, "event", rest, map[string]func(context.Context, []string) int{"set": a.cmdEventSet, "list": a.cmdEventList})
	case "mail":
		return a.sub(ctx, "mail", rest, map[string]func(context.Context, []string) int{"inspect": a.cmdMailInspect})
	case "people":
		return a.sub(ctx, "people", rest, map[string]func(context.Context, []string) int{"invite": a.cmdPeopleInvite})
	case "import":
		return a.cmdImport(ctx, rest)
	case "calendar":
		return a.cmdCalendar(ctx, rest)
	case "simulate":
		return a.cmdSimulate(ctx, rest)
	case "status":
		return a.cmdStatus(ctx, rest)
	case "report":
		return a.cmdReport(ctx, rest)
	case "version":
		fmt.Fprintln(a.stdout, "sollecito", Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(a.stdout, usage)
		return 0
	}
	a.errorf("comando sconosciuto %q", "unknown command %q", cmd)
	fmt.Fprint(a.stderr, usage)
	return 2
}

func (a *app) sub(ctx context.Context, name string, args []string, cmds map[string]func(context.Context, []string) int) int {
	if len(args) > 0 {
		if f, ok := cmds[args[0]]; ok {
			return f(ctx, args[1:])
		}
	}
	var names []string
	for k := range cmds {
		names = append(names, k)
	}
	a.errorf("%s: sottocomando mancante o sconosciuto (disponibili: %s)", "%s: missing or unknown subcommand (available: %s)", name, strings.Join(names, ", "))
	return 2
}

// flags returns a flag set with the global flags, for any subcommand.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.StringVar(&a.configPath, "config", a.configPath, "configuration file")
	fs.StringVar(&a.planPath, "plan", a.planPath, "plan file")
	fs.StringVar(&a.dataDir, "data-dir", a.dataDir, "data directory")
	fs.StringVar(&a.lang, "lang", a.lang, "language of messages: it or en")
	return fs
}

// parse parses a subcommand's flags, allowing flags after positional
// arguments ("values set I-01.1 S1 90 --note x").
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, false
		}
		if fs.NArg() == 0 {
			return pos, true
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (a *app) en() bool { return a.lang == "en" }

// errorf prints a message for the administrator in their language.
func (a *app) errorf(it, en string, args ...any) {
	msg := it
	if a.en() {
		msg = en
	}
	fmt.Fprintf(a.stderr, "sollecito: "+msg+"\n", args...)
}

// fail prints err localised and returns exit status 1.
func (a *app) fail(err error) int {
	lang := "it"
	if a.en() {
		lang = "en"
	}
	fmt.Fprintln(a.stderr, "sollecito:", workflow.Localize(err, lang))
	return 1
}

// load reads configuration and plan.
func (a *app) load() (*config.Loaded, error) {
	l, err := config.Load(config.Options{
		ConfigPath: a.configPath, PlanPath: a.planPath, DataDir: a.dataDir, LookupEnv: a.lookup,
		CheckPhrase: func(p string) error { _, err := deadline.Parse(p); return err },
	})
	if err != nil {
		return nil, err
	}
	if a.lang == "" {
		a.lang = l.Config.Language
	}
	return l, nil
}

func (a *app) clock() func() time.Time {
	if a.now != nil {
		return a.now
	}
	return time.Now
}

func (a *app) logger(l *config.Loaded) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(l.Config.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if l.Config.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.stderr, opts))
}

// open loads everything and opens the store and the engine. The caller
// closes the store.
func (a *app) open(ctx context.Context, log *slog.Logger) (*config.Loaded, *store.Store, *workflow.Engine, error) {
	l, err := a.load()
	if err != nil {
		return nil, nil, nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := store.Open(ctx, l.DatabasePath(), store.Options{Logger: log})
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := workflow.New(ctx, st, l, workflow.Options{Clock: a.clock(), Logger: log})
	if err != nil {
		_ = st.Close()
		return nil, nil, nil, err
	}
	return l, st, eng, nil
}

// printProblems prints load problems (errors and warnings) and returns
// whether there was an error.
func (a *app) printProblems(err error, warnings config.Problems) bool {
	lang := "it"
	if a.en() {
		lang = "en"
	}
	probs := config.ProblemsOf(err)
	if err != nil && probs == nil {
		fmt.Fprintln(a.stderr, "sollecito:", err)
		return true
	}
	all := append(append(config.Problems{}, probs...), warnings...)
	all.Sort()
	for _, p := range all {
		fmt.Fprintln(a.stderr, p.Format(lang))
	}
	return err != nil
}
