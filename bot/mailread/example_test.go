package mailread_test

import (
	"fmt"

	"sollecito/bot/mailread"
)

func ExampleParse() {
	raw := "From: Mario Rossi <M.Rossi@comune.example.it>\r\n" +
		"To: Sollecito <sollecito+k7QxZ2@comune.example.it>\r\n" +
		"Subject: Re: Promemoria: indicatore 2.1.3 [S-k7QxZ2]\r\n" +
		"Message-ID: <abc@comune.example.it>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"28,5\r\n" +
		"\r\n" +
		"Il giorno mar 23 giu 2026 alle ore 09:00 Sollecito <sollecito@comune.example.it> ha scritto:\r\n" +
		"> Target: < 30 giorni. Scadenza: 30/06/2026.\r\n"
	m, err := mailread.Parse([]byte(raw))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.From, m.To, m.Automatic)
	fmt.Printf("%q\n", m.Text)
	fmt.Println(mailread.DedupKey(m, []byte(raw)))
	// Output:
	// m.rossi@comune.example.it [sollecito+k7QxZ2@comune.example.it] false
	// "28,5"
	// abc@comune.example.it
}
