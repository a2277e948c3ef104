package mailread

import "testing"

// reminderQuoteIT is the plain-text reminder as Outlook quotes it: full of
// numbers and dates that must never reach Text.
const reminderQuoteIT = `--- Rispondi sopra questa riga / Reply above this line ---

Gentile Mario Rossi,
è richiesto il valore dell'indicatore IND-07 per il periodo 01/07/2026 - 31/12/2026.
Target: < 30 giorni. Scadenza: 30/11/2026.
Valore del periodo precedente: 34,5`

func TestStripQuoted(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "outlook italian header block below underscores",
			in: "IND-07: 28,5\r\n\r\nCordiali saluti\r\nMario Rossi\r\n\r\n________________________________\r\n" +
				"Da: Sollecito <sollecito+t1@provincia.example.it>\r\nInviato: giovedì 26 novembre 2026 10:15\r\n" +
				"A: Rossi Mario <mario.rossi@provincia.example.it>\r\nOggetto: [SOL-7K2Q] Valore IND-07 entro il 30/11/2026\r\n\r\n" +
				reminderQuoteIT,
			want: "IND-07: 28,5\n\nCordiali saluti\nMario Rossi",
		},
		{
			name: "outlook for mac header block without separator",
			in: "31\n\nDa: Sollecito <sollecito@provincia.example.it>\nData: giovedì, 26 novembre 2026 10:15\n" +
				"A: Mario Rossi <mario.rossi@provincia.example.it>\nOggetto: Valore IND-07\n\n" + reminderQuoteIT,
			want: "31",
		},
		{
			name: "outlook english original message separator",
			in:   "42%\n\n-----Original Message-----\nFrom: Sollecito\nSent: Thursday, November 26, 2026 10:15 AM\nTarget: >= 80%",
			want: "42%",
		},
		{
			name: "outlook header folded onto one line",
			in:   "12\n*Da:* Sollecito [mailto:s@x.it] *Inviato:* giovedì 26 novembre 2026 10:15 *A:* Mario *Oggetto:* IND 30",
			want: "12",
		},
		{
			name: "gmail attribution wrapped over two lines",
			in: "28,5\n\nIl giorno gio 26 nov 2026 alle ore 10:15 Sollecito <\nsollecito+t1@provincia.example.it> ha scritto:\n\n" +
				"> --- Rispondi sopra questa riga / Reply above this line ---\n> Target: < 30 giorni. Scadenza: 30/11/2026.\n",
			want: "28,5",
		},
		{
			name: "bottom posting keeps the answer below the quote",
			in:   "On Thu, Nov 26, 2026 at 10:15 AM Sollecito <s@x.it> wrote:\n> Target 30, deadline 30/11/2026\n\n27\n",
			want: "27",
		},
		{
			name: "interleaved answers keep every unquoted line",
			in:   "Il 26/11/2026 10:15, Sollecito ha scritto:\n> IND-01 target 80%\nIND-01: 85%\n> IND-02 target 90%\nIND-02: 91%\n",
			want: "IND-01: 85%\nIND-02: 91%",
		},
		{
			name: "thunderbird attribution with html quote already removed",
			in:   "n.a. ufficio chiuso\n\nIl 26/11/2026 10:15, Sollecito ha scritto:\n",
			want: "n.a. ufficio chiuso",
		},
		{
			name: "iphone signature and quoted attribution",
			in:   "Sì\n\nInviato da iPhone\n\n> Il giorno 26 nov 2026, alle ore 10:15, Sollecito <s@x.it> ha scritto:\n> \n> Target 30\n",
			want: "Sì",
		},
		{
			name: "samsung signature cuts the unquoted reminder",
			in:   "15\n\nInviato dal mio smartphone Samsung Galaxy.\n\n-------- Messaggio originale --------\nDa: Sollecito\nTarget 30",
			want: "15",
		},
		{
			name: "outlook mobile signature",
			in:   "no\n\nGet Outlook for iOS\n________________________________\nFrom: Sollecito\nSent: today\nTo: me\nDeadline 30/11/2026",
			want: "no",
		},
		{
			name: "outlook for android in italian",
			in:   "sì\n\nInviato da Outlook per Android\n\nFrom: Sollecito\nSent: today\nTo: me\nDeadline 30/11/2026",
			want: "sì",
		},
		{
			name: "dash dash space signature",
			in:   "IND-07: 28,5\n-- \nMario Rossi\nUfficio Ragioneria - tel. 0341 295111",
			want: "IND-07: 28,5",
		},
		{
			name: "unquoted reply marker",
			in:   "19\n--- Rispondi sopra questa riga / Reply above this line ---\nTarget 30\n",
			want: "19",
		},
		{
			name: "gmail forward keeps what the forwarder wrote",
			in:   "Inoltro per competenza, il valore è 33.\n\n---------- Forwarded message ---------\nDa: Sollecito <s@x.it>\nDate: gio 26 nov 2026\nTarget 30",
			want: "Inoltro per competenza, il valore è 33.",
		},
		{
			name: "apple mail forward introduction",
			in:   "Vedi sotto\n\nInizio messaggio inoltrato:\n\nDa: Sollecito <s@x.it>\nOggetto: Target 30\n",
			want: "Vedi sotto",
		},
		{
			name: "person's own words that look like an attribution stay",
			in:   "Il dirigente ha scritto:\nconfermo 12 pratiche",
			want: "Il dirigente ha scritto:\nconfermo 12 pratiche",
		},
		{
			name: "a line starting with Da: alone is the person's",
			in:   "Da: gennaio a giugno 12 pratiche\nnota: tutto regolare",
			want: "Da: gennaio a giugno 12 pratiche\nnota: tutto regolare",
		},
		{
			name: "several code lines with a one-letter code survive",
			in:   "A1: 12\nB2: 94,5%\nC3: sì\n\nGrazie",
			want: "A1: 12\nB2: 94,5%\nC3: sì\n\nGrazie",
		},
		{
			name: "non-breaking spaces and blank runs are tidied",
			in:   "\u00a0\n\n 28,5\u00a0\n\n\n\nGrazie\u200b\n\n",
			want: " 28,5\n\nGrazie",
		},
		{
			name: "indented quote markers are quotes too",
			in:   "7\n  > Target 30\n\t>> 30/11/2026",
			want: "7",
		},
		{
			name: "empty",
			in:   "",
			want: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripQuoted(tc.in); got != tc.want {
				t.Errorf("StripQuoted() =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestStripQuotedReportsForward(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"gmail forward", "x\n---------- Forwarded message ---------\ny", true},
		{"italian forward", "x\n-------- Messaggio inoltrato --------\ny", true},
		{"reply", "x\n-----Messaggio originale-----\ny", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := stripQuoted(tc.in); got != tc.want {
				t.Errorf("forward = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnflow(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		delsp bool
		want  string
	}{
		{"soft breaks joined", "Il valore del semestre \nè 28,5 giorni.\nGrazie", false, "Il valore del semestre è 28,5 giorni.\nGrazie"},
		{"delsp removes the joining space", "abc\ndef \nghi", true, "abc\ndefghi"},
		{"space stuffing removed", " >not a quote\n From here", false, ">not a quote\nFrom here"},
		{"quote depth kept and joined per depth", "> Target \n> 30\n>> old \n>> value\nmine", false, "> Target 30\n>> old value\nmine"},
		{"signature delimiter is not a soft break", "x\n-- \nMario", false, "x\n-- \nMario"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := unflow(tc.in, tc.delsp); got != tc.want {
				t.Errorf("unflow() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStripQuotedUnmarkedQuoteBelowAttribution(t *testing.T) {
	in := "45\n\nIl 26/11/2026 10:15, Sollecito ha scritto:\nTarget: < 30 giorni. Scadenza: 30/11/2026.\n"
	if got := StripQuoted(in); got != "45" {
		t.Errorf("StripQuoted() = %q, want %q", got, "45")
	}
}

func TestStripQuotedAttributionWrappedBeforeScritto(t *testing.T) {
	in := "Sì, fatto\n\nIl mar 23 giu 2026, 09:00 Sollecito <sollecito+b9Hn4T@comune.example.it> ha\nscritto:\n\n> Target 30\n"
	if got := StripQuoted(in); got != "Sì, fatto" {
		t.Errorf("StripQuoted() = %q, want %q", got, "Sì, fatto")
	}
}

func TestStripQuotedMoreClients(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "notes attribution with date and time",
			in:   "17\n\nSollecito <sollecito@comune.example.it> ha scritto il 23/06/2026 09:00:00:\n\nTarget: < 30 giorni\n",
			want: "17",
		},
		{
			name: "notes header block with tabs",
			in:   "17\n\nDa:\tSollecito <sollecito@comune.example.it>\nA:\tMario Rossi\nData:\t23/06/2026 09:00\nOggetto:\tPromemoria\n\nTarget 30",
			want: "17",
		},
		{
			name: "libero original message separator",
			in:   "17\n\n----Messaggio originale----\nDa: sollecito@comune.example.it\nData: 23-giu-2026 9.00\nTarget 30",
			want: "17",
		},
		{
			name: "the person's line right above the attribution is kept",
			in:   "Il valore è 28,5\nOn Tue, Jun 23, 2026 at 9:00 AM Sollecito <s@x.it> wrote:\n> Target 30\n",
			want: "Il valore è 28,5",
		},
		{
			name: "a person's 'ho scritto:' is kept",
			in:   "Il 12/05 vi ho scritto:\n28,5",
			want: "Il 12/05 vi ho scritto:\n28,5",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripQuoted(tc.in); got != tc.want {
				t.Errorf("StripQuoted() = %q, want %q", got, tc.want)
			}
		})
	}
}
