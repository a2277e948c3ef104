package piao

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"sollecito/config"
)

func TestZZCheckExample(t *testing.T) {
	if os.Getenv("PIAO_CHECK") == "" {
		t.Skip()
	}
	l, err := config.Load(config.Options{PlanPath: "../../examples/lecco-2024/plan.yaml", LookupEnv: func(string) (string, bool) { return "", false }})
	var le *config.LoadError
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			fmt.Println("ERR", p.File, p.Line, p.En)
		}
	} else if err != nil {
		fmt.Println("ERR", err)
	}
	if l != nil {
		fmt.Println("warnings:", len(l.Warnings))
		for i, w := range l.Warnings {
			if i < 5 {
				fmt.Println("WARN", w)
			}
		}
	}
}
