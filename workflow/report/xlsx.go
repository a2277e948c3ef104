package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as a spreadsheet (one sheet, the same
// columns as the CSV, every cell as text so that values read exactly as
// in the other forms), with a frozen header row and filters.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Valori"
	if r.Lang == "en" {
		sheet = "Values"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	recs := r.Records()
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
	})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	body, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, rec := range recs {
		for j, v := range rec {
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
	}
	ncol := len(recs[0])
	last, _ := excelize.CoordinatesToCellName(ncol, len(recs))
	lastHead, _ := excelize.CoordinatesToCellName(ncol, 1)
	if err := f.SetCellStyle(sheet, "A1", lastHead, head); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if len(recs) > 1 {
		if err := f.SetCellStyle(sheet, "A2", last, body); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	for j := 1; j <= ncol; j++ {
		col, _ := excelize.ColumnNumberToName(j)
		width := 16.0
		switch j {
		case 4, 6, 7: // descriptions and formula
			width = 40
		case 1, 2:
			width = 22
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
