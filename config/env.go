package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment variable Sollecito reads.
const EnvPrefix = "SOLLECITO_"

// EnvVar describes one environment override.
type EnvVar struct {
	Name   string // SOLLECITO_REMINDERS_TIME
	Path   string // reminders.time
	Secret bool   // also read from NAME_FILE
}

// EnvVars lists every environment variable that overrides a setting, in
// the order of the Config struct.
func EnvVars() []EnvVar {
	var out []EnvVar
	walkSettings(reflect.ValueOf(&Config{}).Elem(), "", func(path string, _ reflect.Value, f reflect.StructField) {
		out = append(out, EnvVar{Name: envName(path), Path: path, Secret: f.Type == reflect.TypeOf(Secret(""))})
	})
	return out
}

func envName(path string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// walkSettings calls fn for every leaf setting (a field that is not a
// nested section struct). Lists of sections (periods) count as leaves.
func walkSettings(v reflect.Value, prefix string, fn func(path string, fv reflect.Value, f reflect.StructField)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		path := tag
		if prefix != "" {
			path = prefix + "." + tag
		}
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			walkSettings(fv, path, fn)
			continue
		}
		fn(path, fv, f)
	}
}

// applyEnv overrides settings from the environment. lookup is os.LookupEnv
// in production and a map in tests. Secrets are also read from the file
// named by NAME_FILE. Every bad value is reported; none is applied half.
func applyEnv(cfg *Config, lookup func(string) (string, bool)) Problems {
	var probs Problems
	walkSettings(reflect.ValueOf(cfg).Elem(), "", func(path string, fv reflect.Value, f reflect.StructField) {
		name := envName(path)
		raw, ok := lookup(name)
		isSecret := f.Type == reflect.TypeOf(Secret(""))
		if !ok && isSecret {
			if file, fok := lookup(name + "_FILE"); fok && file != "" {
				data, err := os.ReadFile(file)
				if err != nil {
					probs = append(probs, Problem{File: "ambiente", Path: name + "_FILE",
						It: fmt.Sprintf("%s_FILE: impossibile leggere il file %q: %v", name, file, errNoSecret(err)),
						En: fmt.Sprintf("%s_FILE: cannot read file %q: %v", name, file, errNoSecret(err))})
					return
				}
				raw, ok = strings.TrimRight(string(data), "\r\n"), true
			}
		}
		if !ok {
			return
		}
		if err := setFromString(fv, raw); err != nil {
			shown := raw
			if isSecret {
				shown = "[redacted]"
			}
			probs = append(probs, Problem{File: "ambiente", Path: name,
				It: fmt.Sprintf("%s=%q: %v", name, shown, err),
				En: fmt.Sprintf("%s=%q: %v", name, shown, err)})
		}
	})
	return probs
}

// errNoSecret keeps only the operation and path of a file error.
func errNoSecret(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// setFromString decodes an environment value into a setting: lists of
// scalars may be written "a,b,c"; anything else is read as YAML.
func setFromString(fv reflect.Value, raw string) error {
	if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Struct && !strings.HasPrefix(strings.TrimSpace(raw), "[") {
		parts := strings.Split(raw, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if raw == "" {
			parts = nil
		}
		if fv.Type().Elem().Kind() == reflect.String {
			parts = quoteAll(parts)
		}
		raw = "[" + strings.Join(parts, ", ") + "]"
	}
	if fv.Kind() == reflect.String {
		fv.SetString(raw)
		return nil
	}
	nv := reflect.New(fv.Type())
	if err := yaml.Unmarshal([]byte(raw), nv.Interface()); err != nil {
		var te *yaml.TypeError
		if ok := asTypeError(err, &te); ok && len(te.Errors) > 0 {
			return fmt.Errorf("valore non valido: %s", yamlProblem("", te.Errors[0]).It)
		}
		return fmt.Errorf("valore non valido: %w", err)
	}
	fv.Set(nv.Elem())
	return nil
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

func quoteAll(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = fmt.Sprintf("%q", p)
	}
	return out
}
