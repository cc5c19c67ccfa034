package dom

// This file holds the element categories of the HTML parsing spec that the parser,
// the renderer and the differ need. One switch per lookup keeps them allocation
// free and fast enough to call for every element.

// elemFlags is a set of categories of an HTML element name.
type elemFlags uint32

const (
	fVoid       elemFlags = 1 << iota // no children, no end tag
	fRawText                          // contents are raw text (no markup, no entities)
	fRCData                           // contents are text with entities decoded
	fPlaintext                        // everything after the start tag is text
	fSpecial                          // "special" category: stops the walk of li, dd, dt and of unknown end tags
	fScope                            // bounds "has an element in scope"
	fClosesP                          // its start tag closes an open p
	fDropLF                           // a newline right after the start tag is dropped
	fTablePart                        // caption, col, colgroup, tbody, td, tfoot, th, thead, tr
	fBreakout                         // leaves SVG or MathML content
	fHeading                          // h1 to h6
	fScopedEnd                        // its end tag looks for a match "in scope" (not stopping at special elements)
	fFormatting                       // formatting element (a, b, i, ...)
	fOddStart                         // its start tag is ignored or handled apart (html, body, svg, image, ...)
)

func elemInfo(tag string) elemFlags {
	switch tag {
	case "area", "base", "basefont", "bgsound", "embed", "frame", "img", "keygen", "link", "meta", "param", "source", "track", "wbr":
		f := fVoid | fSpecial
		switch tag {
		case "embed", "img", "meta":
			f |= fBreakout
		case "frame":
			f |= fOddStart
		}
		return f
	case "br":
		return fVoid | fSpecial | fBreakout
	case "hr":
		return fVoid | fSpecial | fClosesP | fBreakout
	case "input":
		return fVoid | fSpecial
	case "col":
		return fVoid | fSpecial | fTablePart
	case "script", "style", "noembed", "noframes", "noscript", "iframe":
		return fRawText | fSpecial
	case "xmp":
		return fRawText | fSpecial | fClosesP
	case "textarea":
		return fRCData | fSpecial | fDropLF
	case "title":
		return fRCData | fSpecial
	case "plaintext":
		return fPlaintext | fSpecial | fClosesP
	case "pre", "listing":
		return fSpecial | fClosesP | fDropLF | fBreakout | fScopedEnd
	case "h1", "h2", "h3", "h4", "h5", "h6":
		return fSpecial | fClosesP | fHeading | fBreakout | fScopedEnd
	case "address", "article", "aside", "details", "dialog", "dir", "fieldset", "figcaption",
		"figure", "footer", "header", "hgroup", "main", "nav", "search", "section", "summary":
		return fSpecial | fClosesP | fScopedEnd
	case "blockquote", "center", "div", "dl", "menu", "ol", "ul":
		return fSpecial | fClosesP | fBreakout | fScopedEnd
	case "p":
		return fSpecial | fClosesP | fBreakout | fScopedEnd
	case "li", "dd", "dt":
		return fSpecial | fClosesP | fBreakout | fScopedEnd
	case "form":
		return fSpecial | fClosesP | fScopedEnd
	case "table":
		return fSpecial | fClosesP | fScope | fBreakout
	case "td", "th", "caption":
		return fSpecial | fScope | fTablePart
	case "tr", "tbody", "thead", "tfoot", "colgroup":
		return fSpecial | fTablePart
	case "applet", "marquee", "object":
		return fSpecial | fScope | fScopedEnd
	case "template":
		return fSpecial | fScope
	case "html":
		return fSpecial | fScope | fOddStart
	case "button":
		return fSpecial | fScopedEnd
	case "body", "head":
		return fSpecial | fBreakout | fOddStart
	case "svg", "math", "image":
		return fOddStart
	case "frameset":
		return fSpecial | fOddStart
	case "select":
		return fSpecial
	case "b", "big", "code", "em", "i", "s", "small", "strike", "strong", "tt", "u", "nobr":
		return fFormatting | fBreakout | fScopedEnd
	case "a", "font":
		return fFormatting | fScopedEnd
	case "span", "sub", "sup", "var", "ruby":
		return fBreakout
	}
	return 0
}

// Namespaces of elements. Only the parser and the renderer track them: a Node does
// not store its namespace, it follows from its ancestors as it does in browsers.
const (
	nsHTML uint8 = iota
	nsSVG
	nsMath
)

// htmlIntegration reports whether the children of a foreign element are parsed as
// HTML (SVG foreignObject, desc and title; MathML annotation-xml holding HTML).
func htmlIntegration(ns uint8, n *Node) bool {
	switch ns {
	case nsSVG:
		return n.Tag == "foreignObject" || n.Tag == "desc" || n.Tag == "title"
	case nsMath:
		if n.Tag == "annotation-xml" {
			v, _ := n.Attr("encoding")
			return equalFoldASCII(v, "text/html") || equalFoldASCII(v, "application/xhtml+xml")
		}
	}
	return false
}

// mathTextIntegration reports whether n is a MathML text integration point, whose
// children (except mglyph and malignmark) are parsed as HTML.
func mathTextIntegration(ns uint8, n *Node) bool {
	if ns != nsMath {
		return false
	}
	switch n.Tag {
	case "mi", "mo", "mn", "ms", "mtext":
		return true
	}
	return false
}

// childNS returns the namespace of an element child named tag (lower case, as in
// the source) of a parent in namespace ns. It mirrors the tree builder's rules for
// well-formed input, so that the renderer agrees with the parser.
func childNS(ns uint8, parent *Node, tag string) uint8 {
	switch ns {
	case nsHTML:
	case nsMath:
		if mathTextIntegration(ns, parent) {
			if tag == "mglyph" || tag == "malignmark" {
				return nsMath
			}
		} else if !htmlIntegration(ns, parent) && !(parent.Tag == "annotation-xml" && tag == "svg") {
			return ns
		}
	default:
		if !htmlIntegration(ns, parent) {
			return ns
		}
	}
	switch tag {
	case "svg":
		return nsSVG
	case "math":
		return nsMath
	}
	return nsHTML
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// svgTag returns the SVG element name browsers use for a lower-case tag name.
func svgTag(tag string) string {
	switch tag {
	case "altglyph":
		return "altGlyph"
	case "altglyphdef":
		return "altGlyphDef"
	case "altglyphitem":
		return "altGlyphItem"
	case "animatecolor":
		return "animateColor"
	case "animatemotion":
		return "animateMotion"
	case "animatetransform":
		return "animateTransform"
	case "clippath":
		return "clipPath"
	case "feblend":
		return "feBlend"
	case "fecolormatrix":
		return "feColorMatrix"
	case "fecomponenttransfer":
		return "feComponentTransfer"
	case "fecomposite":
		return "feComposite"
	case "feconvolvematrix":
		return "feConvolveMatrix"
	case "fediffuselighting":
		return "feDiffuseLighting"
	case "fedisplacementmap":
		return "feDisplacementMap"
	case "fedistantlight":
		return "feDistantLight"
	case "fedropshadow":
		return "feDropShadow"
	case "feflood":
		return "feFlood"
	case "fefunca":
		return "feFuncA"
	case "fefuncb":
		return "feFuncB"
	case "fefuncg":
		return "feFuncG"
	case "fefuncr":
		return "feFuncR"
	case "fegaussianblur":
		return "feGaussianBlur"
	case "feimage":
		return "feImage"
	case "femerge":
		return "feMerge"
	case "femergenode":
		return "feMergeNode"
	case "femorphology":
		return "feMorphology"
	case "feoffset":
		return "feOffset"
	case "fepointlight":
		return "fePointLight"
	case "fespecularlighting":
		return "feSpecularLighting"
	case "fespotlight":
		return "feSpotLight"
	case "fetile":
		return "feTile"
	case "feturbulence":
		return "feTurbulence"
	case "foreignobject":
		return "foreignObject"
	case "glyphref":
		return "glyphRef"
	case "lineargradient":
		return "linearGradient"
	case "radialgradient":
		return "radialGradient"
	case "textpath":
		return "textPath"
	}
	return tag
}

// svgAttr returns the SVG attribute name browsers use for a lower-case name.
func svgAttr(name string) string {
	switch name {
	case "attributename":
		return "attributeName"
	case "attributetype":
		return "attributeType"
	case "basefrequency":
		return "baseFrequency"
	case "baseprofile":
		return "baseProfile"
	case "calcmode":
		return "calcMode"
	case "clippathunits":
		return "clipPathUnits"
	case "diffuseconstant":
		return "diffuseConstant"
	case "edgemode":
		return "edgeMode"
	case "filterunits":
		return "filterUnits"
	case "glyphref":
		return "glyphRef"
	case "gradienttransform":
		return "gradientTransform"
	case "gradientunits":
		return "gradientUnits"
	case "kernelmatrix":
		return "kernelMatrix"
	case "kernelunitlength":
		return "kernelUnitLength"
	case "keypoints":
		return "keyPoints"
	case "keysplines":
		return "keySplines"
	case "keytimes":
		return "keyTimes"
	case "lengthadjust":
		return "lengthAdjust"
	case "limitingconeangle":
		return "limitingConeAngle"
	case "markerheight":
		return "markerHeight"
	case "markerunits":
		return "markerUnits"
	case "markerwidth":
		return "markerWidth"
	case "maskcontentunits":
		return "maskContentUnits"
	case "maskunits":
		return "maskUnits"
	case "numoctaves":
		return "numOctaves"
	case "pathlength":
		return "pathLength"
	case "patterncontentunits":
		return "patternContentUnits"
	case "patterntransform":
		return "patternTransform"
	case "patternunits":
		return "patternUnits"
	case "pointsatx":
		return "pointsAtX"
	case "pointsaty":
		return "pointsAtY"
	case "pointsatz":
		return "pointsAtZ"
	case "preservealpha":
		return "preserveAlpha"
	case "preserveaspectratio":
		return "preserveAspectRatio"
	case "primitiveunits":
		return "primitiveUnits"
	case "refx":
		return "refX"
	case "refy":
		return "refY"
	case "repeatcount":
		return "repeatCount"
	case "repeatdur":
		return "repeatDur"
	case "requiredextensions":
		return "requiredExtensions"
	case "requiredfeatures":
		return "requiredFeatures"
	case "specularconstant":
		return "specularConstant"
	case "specularexponent":
		return "specularExponent"
	case "spreadmethod":
		return "spreadMethod"
	case "startoffset":
		return "startOffset"
	case "stddeviation":
		return "stdDeviation"
	case "stitchtiles":
		return "stitchTiles"
	case "surfacescale":
		return "surfaceScale"
	case "systemlanguage":
		return "systemLanguage"
	case "tablevalues":
		return "tableValues"
	case "targetx":
		return "targetX"
	case "targety":
		return "targetY"
	case "textlength":
		return "textLength"
	case "viewbox":
		return "viewBox"
	case "viewtarget":
		return "viewTarget"
	case "xchannelselector":
		return "xChannelSelector"
	case "ychannelselector":
		return "yChannelSelector"
	case "zoomandpan":
		return "zoomAndPan"
	}
	return name
}
