package mailread

import "testing"

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "outlook web reply header and everything after it",
			in: `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>` +
				`<body dir="ltr"><div style="font-family: Aptos, Arial; font-size: 12pt;">IND-07: 28,5</div><div>Mario</div>` +
				`<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">` +
				`<div id="divRplyFwdMsg" dir="ltr"><b>Da:</b> Sollecito<br><b>Inviato:</b> giovedì 26 novembre 2026 10:15</div>` +
				`<div>Target: &lt; 30 giorni. Scadenza: 30/11/2026.</div></body></html>`,
			want: "IND-07: 28,5\nMario",
		},
		{
			name: "outlook desktop top-bordered header block",
			in: `<div class=WordSection1><p class=MsoNormal>Buongiorno,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>` +
				`<p class=MsoNormal>IND-07: 28,5<o:p></o:p></p>` +
				`<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>Da:</b> Sollecito</p></div>` +
				`<p class=MsoNormal>Valore precedente: 34,5</p></div>`,
			want: "Buongiorno,\n\nIND-07: 28,5",
		},
		{
			name: "gmail quote with nested divs, text after it kept",
			in: `<div dir="ltr">28,5<div><br></div><div>Saluti</div></div><br>` +
				`<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">Il giorno gio 26 nov 2026 alle ore 10:15 Sollecito ha scritto:<br></div>` +
				`<blockquote class="gmail_quote" style="margin:0px"><div><div>Target 30</div></div></blockquote></div><div>PS: dopo</div>`,
			want: "28,5\n\nSaluti\n\nPS: dopo",
		},
		{
			name: "thunderbird cite prefix, blockquote and signature",
			in: `<p>n.a. ufficio chiuso per lavori<br></p><div class="moz-cite-prefix">Il 26/11/2026 10:15, Sollecito ha scritto:<br></div>` +
				`<blockquote type="cite" cite="mid:abc@x">Scadenza 30/11/2026</blockquote><pre class="moz-signature" cols="72">-- ` + "\nMario 0341 295111</pre>",
			want: "n.a. ufficio chiuso per lavori",
		},
		{
			name: "apple mail blockquote and iphone signature div",
			in: `<html><body dir="auto"><div dir="ltr">Sì</div><div dir="ltr"><br><div id="AppleMailSignature">Inviato da iPhone</div>` +
				`<div dir="ltr"><br><blockquote type="cite">Il giorno 26 nov 2026, alle ore 10:15, Sollecito ha scritto:<br><br></blockquote></div>` +
				`<blockquote type="cite"><div dir="ltr">Target 30</div></blockquote></div></body></html>`,
			want: "Sì",
		},
		{
			name: "scripts, comments and conditional comments dropped",
			in:   `<!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--><script>var x = 99;</script><p>12</p><!-- 34 -->`,
			want: "12",
		},
		{
			name: "entities decoded and spaces collapsed",
			in:   "<p>Valore:\n   <b>92,5&nbsp;%</b> &egrave; ok &#8364; &amp;</p>",
			want: "Valore: 92,5 % è ok € &",
		},
		{
			name: "pre keeps its line breaks",
			in:   "<pre>IND-01: 1\nIND-02: 2</pre>",
			want: "IND-01: 1\nIND-02: 2",
		},
		{
			name: "a lone less-than sign is text",
			in:   "<div>valore < 30 e 3<4</div>",
			want: "valore < 30 e 3<4",
		},
		{
			name: "unclosed blockquote hides the rest",
			in:   "<div>5</div><blockquote><div>Target 30",
			want: "5",
		},
		{
			name: "table cells separated by spaces",
			in:   "<table><tr><td>IND-01:</td><td>85%</td></tr><tr><td>IND-02:</td><td>sì</td></tr></table>",
			want: "IND-01: 85%\nIND-02: sì",
		},
		{
			name: "gmail indent is the author's text",
			in:   `<div>Nota:</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>valore 12</div></blockquote>`,
			want: "Nota:\nvalore 12",
		},
		{
			name: "raw text end tags in any case, unclosed head ends at body",
			in:   "<HEAD><TITLE>99</TITLE><BODY><STYLE>p{}</Style><P>12</P>",
			want: "12",
		},
		{
			name: "words split by inline tags stay joined",
			in:   "<span>28</span><span>,5</span> <i>giorni</i>",
			want: "28,5 giorni",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HTMLToText(tc.in); got != tc.want {
				t.Errorf("HTMLToText() =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
