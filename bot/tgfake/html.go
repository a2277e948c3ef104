package tgfake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// supportedTags are the tags Telegram accepts in parse_mode=HTML.
var supportedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// namedEntities are the named HTML entities Telegram decodes.
var namedEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// parseHTML checks text as Telegram does in HTML parse mode and returns the
// visible text (tags removed, entities decoded). The error text follows
// Telegram's "can't parse entities: ..." descriptions.
func parseHTML(src string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(src); {
		switch src[i] {
		case '<':
			end := tagEnd(src, i)
			if end < 0 {
				return "", fmt.Errorf("can't parse entities: Can't find end of the tag starting at byte offset %d", i)
			}
			inner := src[i+1 : end]
			if closing, ok := strings.CutPrefix(inner, "/"); ok {
				name := strings.ToLower(strings.TrimSpace(closing))
				if len(stack) == 0 {
					return "", fmt.Errorf("can't parse entities: Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; top != name {
					return "", fmt.Errorf("can't parse entities: Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, attrs, _ := strings.Cut(inner, " ")
				name = strings.ToLower(name)
				if !supportedTags[name] {
					return "", fmt.Errorf("can't parse entities: Unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				if name == "span" && !strings.Contains(attrs, "tg-spoiler") {
					return "", fmt.Errorf("can't parse entities: Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", i)
				}
				stack = append(stack, name)
			}
			i = end + 1
		case '&':
			decoded, n := decodeEntity(src[i:])
			out.WriteString(decoded)
			i += n
		default:
			out.WriteByte(src[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't parse entities: Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return out.String(), nil
}

// tagEnd returns the index of the '>' closing the tag opened at src[start],
// skipping quoted attribute values, or -1.
func tagEnd(src string, start int) int {
	var quote byte
	for j := start + 1; j < len(src); j++ {
		c := src[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		case c == '<':
			return -1
		}
	}
	return -1
}

// decodeEntity decodes the entity at the start of s ("&lt;", "&#38;",
// "&#x26;") and returns it with the bytes consumed; a lone '&' stays as is.
func decodeEntity(s string) (string, int) {
	semi := strings.IndexByte(s, ';')
	if semi < 2 || semi > 10 {
		return "&", 1
	}
	name := s[1:semi]
	if v, ok := namedEntities[name]; ok {
		return v, semi + 1
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, isHex := strings.CutPrefix(strings.ToLower(num), "x"); isHex {
			num, base = hex, 16
		}
		if n, err := strconv.ParseUint(num, base, 32); err == nil {
			return string(rune(n)), semi + 1
		}
	}
	return "&", 1
}

// utf16Len is the length Telegram counts: UTF-16 code units.
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }
