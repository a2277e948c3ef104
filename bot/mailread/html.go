package mailread

import (
	"html"
	"strings"
)

// HTMLToText renders the HTML body of a reply as plain text, leaving out what
// mail clients mark as quoted or as a signature: blockquotes (Apple Mail and
// Thunderbird "type=cite", Gmail "gmail_quote"), Gmail's "gmail_attr" and
// "gmail_signature", Thunderbird's "moz-cite-prefix" and "moz-signature",
// the Outlook mobile signature, and everything from Outlook's reply header on
// (`id="appendonsend"`, `id="divRplyFwdMsg"`, an `<hr>` separator or the
// top-bordered header block of Outlook for Windows). Scripts, styles and
// comments are dropped, block elements become line breaks and entities are
// decoded. Text-level quotes are left for StripQuoted.
func HTMLToText(src string) string {
	c := htmlConverter{src: src}
	c.run()
	lines := strings.Split(normalizeText(c.out.String()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return tidyLines(lines)
}

// htmlConverter is a small, forgiving HTML tokenizer that writes text. It
// needs no tree: skipped elements are tracked by name and nesting depth.
type htmlConverter struct {
	src string
	pos int
	out strings.Builder

	skipName  string // element being skipped; "" when not skipping
	skipDepth int    // open elements named skipName inside the skipped one
	pre       int    // open <pre> elements
	done      bool   // a reply header was met: nothing more is output
	space     bool   // a space is pending before the next word
	paras     []bool // open <p> elements: true when set apart by blank lines
}

// voidElements never have an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "param": true,
	"source": true, "track": true, "wbr": true,
}

// blockElements start and end on a line of their own.
var blockElements = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "center": true,
	"dd": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figure": true,
	"footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "hr": true, "li": true, "main": true,
	"nav": true, "ol": true, "p": true, "pre": true, "section": true, "table": true,
	"tbody": true, "thead": true, "tfoot": true, "tr": true, "ul": true, "body": true,
}

// rawTextElements hold text that is not HTML and is never shown.
var rawTextElements = map[string]bool{
	"script": true, "style": true, "title": true, "head": true, "textarea": true,
	"template": true, "noscript": true, "xml": true,
}

func (c *htmlConverter) run() {
	for c.pos < len(c.src) && !c.done {
		lt := strings.IndexByte(c.src[c.pos:], '<')
		if lt < 0 {
			c.text(c.src[c.pos:])
			return
		}
		if lt > 0 {
			c.text(c.src[c.pos : c.pos+lt])
			c.pos += lt
		}
		c.markup()
	}
}

// markup consumes the markup starting at c.pos, which holds '<'.
func (c *htmlConverter) markup() {
	rest := c.src[c.pos:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		end := strings.Index(rest[4:], "-->")
		if end < 0 {
			c.pos = len(c.src)
			return
		}
		c.pos += 4 + end + 3
		return
	case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
		c.skipPast(">")
		return
	}
	closing := strings.HasPrefix(rest, "</")
	i := 1
	if closing {
		i = 2
	}
	start := i
	if i >= len(rest) || !isLetter(rest[i]) {
		// Not a tag: a lone "<" is text.
		c.text("<")
		c.pos++
		return
	}
	for i < len(rest) && isNameByte(rest[i]) {
		i++
	}
	name := strings.ToLower(rest[start:i])
	end := tagEnd(rest, i)
	attrs := rest[i:end]
	if end < len(rest) {
		end++ // the '>'
	}
	c.pos += end
	if closing {
		c.endTag(name)
		return
	}
	c.startTag(name, attrs)
}

// tagEnd returns the index of the '>' closing a tag whose attributes start
// at i, honouring quoted attribute values, or len(s).
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		switch ch := s[i]; {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '>':
			return i
		}
	}
	return len(s)
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func isNameByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == ':' || b == '-' || b == '_'
}

// skipPast moves c.pos past the next occurrence of s, or to the end.
func (c *htmlConverter) skipPast(s string) {
	end := strings.Index(c.src[c.pos:], s)
	if end < 0 {
		c.pos = len(c.src)
		return
	}
	c.pos += end + len(s)
}

func (c *htmlConverter) startTag(name, attrs string) {
	selfClosing := strings.HasSuffix(strings.TrimSpace(attrs), "/")
	if c.skipName != "" {
		if name == c.skipName && !voidElements[name] && !selfClosing {
			c.skipDepth++
		}
		return
	}
	if rawTextElements[name] {
		if !selfClosing {
			c.skipRawText(name)
		}
		return
	}
	a := parseAttrs(attrs)
	if isReplyHeader(name, a) {
		c.done = true
		return
	}
	if isQuoteOrSignature(name, a) {
		if !voidElements[name] && !selfClosing {
			c.skipName, c.skipDepth = name, 1
		}
		return
	}
	switch {
	case name == "br":
		c.newline(true)
	case name == "p" && !strings.Contains(strings.ToLower(a["class"]), "msonormal"):
		// A paragraph stands apart, except Outlook's, which are lines.
		c.paragraph()
		c.paras = append(c.paras, true)
	case name == "p":
		c.newline(false)
		c.paras = append(c.paras, false)
	case name == "pre":
		c.newline(false)
		c.pre++
	case name == "td" || name == "th":
		c.space = true
	case blockElements[name]:
		c.newline(false)
	}
}

func (c *htmlConverter) endTag(name string) {
	if c.skipName != "" {
		if name == c.skipName {
			c.skipDepth--
			if c.skipDepth == 0 {
				c.skipName = ""
				c.newline(false)
			}
		}
		return
	}
	switch {
	case name == "p":
		if n := len(c.paras); n > 0 && c.paras[n-1] {
			c.paragraph()
		} else {
			c.newline(false)
		}
		if n := len(c.paras); n > 0 {
			c.paras = c.paras[:n-1]
		}
	case name == "pre":
		if c.pre > 0 {
			c.pre--
		}
		c.newline(false)
	case name == "td" || name == "th":
		c.space = true
	case blockElements[name]:
		c.newline(false)
	}
}

// skipRawText moves past the end tag of a raw-text element. A <head> also
// ends where <body> begins, for senders that never close it.
func (c *htmlConverter) skipRawText(name string) {
	end := indexFold(c.src, c.pos, "</"+name)
	if name == "head" {
		if body := indexFold(c.src, c.pos, "<body"); body >= 0 && (end < 0 || body < end) {
			c.pos = body
			return
		}
	}
	if end < 0 {
		c.pos = len(c.src)
		return
	}
	c.pos = end
	c.skipPast(">")
}

// indexFold returns the index of the first case-insensitive occurrence of
// the ASCII string sub in s at or after from, or -1. It does not copy s, so
// many raw-text elements in one mail stay linear.
func indexFold(s string, from int, sub string) int {
	for i := from; i+len(sub) <= len(s); {
		j := strings.IndexByte(s[i:], sub[0])
		if j < 0 {
			return -1
		}
		i += j
		if i+len(sub) <= len(s) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
		i++
	}
	return -1
}

// newline ends the current line; forced adds one even on an empty line
// (a <br> makes a blank line, a block boundary does not).
func (c *htmlConverter) newline(forced bool) {
	c.space = false
	s := c.out.String()
	if forced || (len(s) > 0 && s[len(s)-1] != '\n') {
		c.out.WriteByte('\n')
	}
}

// paragraph ends the current line and leaves a blank one, unless nothing
// was written yet.
func (c *htmlConverter) paragraph() {
	c.newline(false)
	s := c.out.String()
	if len(s) > 0 && !strings.HasSuffix(s, "\n\n") {
		c.out.WriteByte('\n')
	}
}

// text writes character data, collapsing white space outside <pre>.
func (c *htmlConverter) text(raw string) {
	if c.skipName != "" || c.done {
		return
	}
	s := html.UnescapeString(raw)
	if c.pre > 0 {
		c.out.WriteString(s)
		return
	}
	for _, r := range s {
		if isHTMLSpace(r) {
			c.space = true
			continue
		}
		if c.space {
			if str := c.out.String(); len(str) > 0 && str[len(str)-1] != '\n' {
				c.out.WriteByte(' ')
			}
			c.space = false
		}
		c.out.WriteRune(r)
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// parseAttrs reads the attributes of a start tag into a map with lowercased
// names; the first occurrence of a name wins.
func parseAttrs(s string) map[string]string {
	attrs := map[string]string{}
	i := 0
	for i < len(s) {
		for i < len(s) && (isHTMLSpace(rune(s[i])) || s[i] == '/') {
			i++
		}
		start := i
		for i < len(s) && !isHTMLSpace(rune(s[i])) && s[i] != '=' && s[i] != '/' && s[i] != '>' {
			i++
		}
		name := strings.ToLower(s[start:i])
		for i < len(s) && isHTMLSpace(rune(s[i])) {
			i++
		}
		value := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isHTMLSpace(rune(s[i])) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				i++
				vs := i
				for i < len(s) && s[i] != q {
					i++
				}
				value = s[vs:i]
				if i < len(s) {
					i++
				}
			} else {
				vs := i
				for i < len(s) && !isHTMLSpace(rune(s[i])) && s[i] != '>' {
					i++
				}
				value = s[vs:i]
			}
		}
		if name == "" {
			if i == start {
				i++ // a stray character: step over it
			}
			continue
		}
		if _, dup := attrs[name]; !dup {
			attrs[name] = html.UnescapeString(value)
		}
	}
	return attrs
}

// replyHeaderIDs are the ids Outlook puts where the quoted mail begins.
var replyHeaderIDs = map[string]bool{
	"appendonsend": true, "divrplyfwdmsg": true, "x_divrplyfwdmsg": true, "x_appendonsend": true,
	"mail-editor-reference-message-container": true, "olk_src_body_section": true,
}

// isReplyHeader reports whether an element starts the quoted part of an
// Outlook reply, after which nothing is the author's.
func isReplyHeader(name string, a map[string]string) bool {
	if name == "hr" || replyHeaderIDs[strings.ToLower(a["id"])] {
		return true
	}
	style := strings.ToLower(strings.Join(strings.Fields(a["style"]), ""))
	return name == "div" && strings.Contains(style, "border-top:solid") && strings.Contains(style, "padding:3.0pt")
}

// quoteClasses are the classes clients give to quotes, attributions and
// signatures.
var quoteClasses = map[string]bool{
	"gmail_quote": true, "gmail_quote_container": true, "gmail_attr": true,
	"gmail_signature": true, "gmail_signature_prefix": true, "moz-cite-prefix": true,
	"moz-signature": true, "moz-forward-container": true, "yahoo_quoted": true,
	"protonmail_quote": true, "protonmail_signature_block": true,
}

// signatureIDs are the ids clients give to signatures.
var signatureIDs = map[string]bool{
	"applemailsignature": true, "ms-outlook-mobile-signature": true,
	"ms-outlook-ios-signature": true, "signature": true,
}

// isQuoteOrSignature reports whether an element, with its content, is a
// quote, an attribution or a signature.
func isQuoteOrSignature(name string, a map[string]string) bool {
	if name == "blockquote" {
		// Gmail's indent button makes a blockquote without a border: that
		// is the author's own text, not a quote.
		style := strings.ToLower(strings.Join(strings.Fields(a["style"]), ""))
		indent := strings.Contains(style, "border:none") && a["type"] == "" && a["class"] == ""
		return !indent
	}
	if signatureIDs[strings.ToLower(a["id"])] {
		return true
	}
	for _, class := range strings.Fields(strings.ToLower(a["class"])) {
		if quoteClasses[class] {
			return true
		}
	}
	return false
}
