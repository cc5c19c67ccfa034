package dom

// The table insertion modes, reduced to what they do to start tags of table parts:
// close open cells and rows, and open the tbody, tr and colgroup elements that
// markup leaves out.

// Insertion modes that matter for table parts.
const (
	modeBody = iota
	modeRoot // the fragment root or a template: table parts are kept as they are
	modeTable
	modeTBody
	modeRow
	modeCell
	modeCaption
	modeColgroup
)

// tableMode returns the insertion mode the stack implies and the stack index of
// the element that sets it.
func (p *parser) tableMode() (mode, idx int) {
	for i := len(p.stack) - 1; i > 0; i-- {
		f := &p.stack[i]
		if f.ns != nsHTML {
			continue
		}
		switch f.n.Tag {
		case "td", "th":
			return modeCell, i
		case "tr":
			return modeRow, i
		case "tbody", "thead", "tfoot":
			return modeTBody, i
		case "caption":
			return modeCaption, i
		case "colgroup":
			return modeColgroup, i
		case "table":
			return modeTable, i
		case "template":
			if i == len(p.stack)-1 {
				return modeRoot, i
			}
			return modeBody, i
		}
	}
	if len(p.stack) == 1 {
		return modeRoot, 0
	}
	return modeBody, 0
}

// tableStart applies the table insertion modes to a start tag. It reports whether
// the tag was handled (inserted or ignored); if not, the caller inserts it as in
// body content.
func (p *parser) tableStart(name string, fl elemFlags) bool {
	part := fl&fTablePart != 0
	if t := p.top(); t.ns == nsHTML && (t.n.Tag == "tr" && (name == "td" || name == "th") ||
		name == "tr" && (t.n.Tag == "tbody" || t.n.Tag == "thead" || t.n.Tag == "tfoot")) {
		p.insert(name, p.attrs, nsHTML, fl, false) // the usual case: a cell in its row, a row in its body
		return true
	}
	for range 8 { // each round pops or opens an implied element; a few suffice
		mode, idx := p.tableMode()
		switch mode {
		case modeCell, modeCaption:
			if !part {
				return false
			}
			p.popTo(idx)
		case modeRow, modeTBody, modeTable:
			switch {
			case mode == modeRow && (name == "td" || name == "th"),
				mode == modeTBody && name == "tr",
				mode == modeTable && (name == "caption" || name == "colgroup" || name == "tbody" || name == "thead" || name == "tfoot"):
				p.popTo(idx + 1)
				p.insert(name, p.attrs, nsHTML, fl, false)
				return true
			case mode == modeTBody && (name == "td" || name == "th"):
				p.popTo(idx + 1)
				p.insertImplied("tr")
			case mode == modeTable && (name == "td" || name == "th" || name == "tr"):
				p.popTo(idx + 1)
				p.insertImplied("tbody")
			case mode == modeTable && name == "col":
				p.popTo(idx + 1)
				p.insertImplied("colgroup")
			case name == "table":
				p.popTo(p.tableIndex(idx))
			case part && mode != modeTable:
				p.popTo(idx)
			default:
				return false
			}
		case modeColgroup:
			if name == "col" {
				p.popTo(idx + 1)
				p.insert(name, p.attrs, nsHTML, fl, false)
				return true
			}
			p.popTo(idx)
		case modeRoot:
			if part {
				p.insert(name, p.attrs, nsHTML, fl, false)
				return true
			}
			return false
		default:
			return part // table parts outside a table are ignored
		}
	}
	return true
}

// tableIndex returns the stack index of the table enclosing stack index idx.
func (p *parser) tableIndex(idx int) int {
	for i := idx; i > 0; i-- {
		if f := &p.stack[i]; f.ns == nsHTML && f.n.Tag == "table" {
			return i
		}
	}
	return idx
}
