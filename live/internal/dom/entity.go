package dom

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Character references. The table of names is the standard library's (package
// html); the rules around it are the HTML tokenizer's, which differ between text
// and attribute values.

// unescapeText decodes character references in text as browsers do.
func unescapeText(s string) string { return unescape(s, false) }

// unescapeAttr decodes character references in an attribute value. It differs
// from text: a named reference without ';' followed by '=' or an alphanumeric is
// left alone (so href="?a=1&copy=2" keeps "&copy").
func unescapeAttr(s string) string { return unescape(s, true) }

func unescape(s string, attr bool) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		if s[i] != '&' {
			k := strings.IndexByte(s[i:], '&')
			if k < 0 {
				b = append(b, s[i:]...)
				break
			}
			b = append(b, s[i:i+k]...)
			i += k
			continue
		}
		n, dec := charRef(s[i:], attr)
		if n == 0 {
			b = append(b, '&')
			i++
			continue
		}
		b = append(b, dec...)
		i += n
	}
	return string(b)
}

// charRef decodes the character reference at the start of s (s[0] == '&') and
// returns how many bytes it takes, 0 if it is not one. The table of named
// references is the standard library's; the rules around it are the tokenizer's.
func charRef(s string, attr bool) (int, string) {
	if len(s) < 2 {
		return 0, ""
	}
	if s[1] == '#' {
		j, hex := 2, false
		if j < len(s) && (s[j]|0x20) == 'x' {
			j, hex = j+1, true
		}
		v, k := 0, j
		for ; k < len(s); k++ {
			d := digitVal(s[k], hex)
			if d < 0 {
				break
			}
			if hex {
				v = v*16 + d
			} else {
				v = v*10 + d
			}
			v = min(v, 0x110000)
		}
		if k == j {
			return 0, ""
		}
		if k < len(s) && s[k] == ';' {
			k++
		}
		if v > 0x10FFFF {
			return k, "\uFFFD"
		}
		return k, html.UnescapeString("&#" + strconv.Itoa(v) + ";")
	}
	j := 1
	for j < len(s) && isAlnum(s[j]) {
		j++
	}
	if j == 1 {
		return 0, ""
	}
	if j < len(s) && s[j] == ';' {
		// The whole name matched iff at most the two runes of an expansion are left.
		if dec := html.UnescapeString(s[:j+1]); utf8.RuneCountInString(dec) <= 2 {
			return j + 1, dec
		}
	}
	// A legacy reference without ';': the longest known prefix (one rune).
	name := s[:j]
	dec := html.UnescapeString(name)
	if dec == name {
		return 0, ""
	}
	_, size := utf8.DecodeRuneInString(dec)
	rest := dec[size:]
	n := len(name) - len(rest)
	if attr && (rest != "" || j < len(s) && s[j] == '=') {
		return 0, ""
	}
	return n, dec[:size]
}

func digitVal(c byte, hex bool) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case hex && 'a' <= c|0x20 && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
