// Package piao imports the text extraction of a PIAO document (Piano
// Integrato di Attività e Organizzazione, Sezione 2.2 Performance) into
// Sollecito's plan format.
//
// The text comes from a PDF or Word export: table columns are interleaved,
// words are cut across columns, labels lose their first letter and a few
// cards are flattened onto one line or written in reverse order. The
// importer repairs what the evidence makes clear and lists everything else,
// with its source line numbers, in a Report for a person to review. It
// never invents data: an item it cannot place keeps its raw text.
package piao
