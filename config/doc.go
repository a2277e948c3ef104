// Package config loads, validates and reloads Sollecito's two kinds of file:
// the configuration (how the daemon behaves: calendar, periods, reminders,
// escalation, digests, channels) and the plan (what it watches: the PIAO's
// directorates, people, objectives, phases and indicators). Every problem is
// reported with its file, line and the setting or item it concerns.
package config
