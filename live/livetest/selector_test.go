package livetest

import (
	"strings"
	"testing"

	"github.com/liveapp/liveapp/live/internal/dom"
)

const selectorDoc = `<main id="app" class="page wide">
<ul id="items"><li id="item-1" class="row"><button id="b1" class="del danger" live-click="delete" live-value-id="1">x</button></li>
<li id="item-2" class="row"><span><button id="b2" class="del" live-click="delete" live-value-id="2">x</button></span></li></ul>
<form id="f" live-submit="save"><input id="title" name="title" value="a b"><button id="save" type="submit">Save</button></form>
<template><button id="inert" live-click="never">x</button></template>
<svg id="svg" viewBox="0 0 1 1"><foreignObject id="fo"></foreignObject></svg>
</main>`

func TestSelectorsMatchLikeCSS(t *testing.T) {
	root, err := dom.Parse(selectorDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		selector string
		want     []string // ids
	}{
		{"#items", []string{"items"}},
		{"li", []string{"item-1", "item-2"}},
		{".row", []string{"item-1", "item-2"}},
		{"main.page.wide", []string{"app"}},
		{"main.page.narrow", nil},
		{"[live-click]", []string{"b1", "b2"}},
		{`button[live-click="delete"][live-value-id="2"]`, []string{"b2"}},
		{`button[live-value-id='1']`, []string{"b1"}},
		{"button[live-value-id=2]", []string{"b2"}},
		{"#items > li > button", []string{"b1"}},
		{"#items button", []string{"b1", "b2"}},
		{"#item-2>span>.del", []string{"b2"}},
		{"main li#item-2 button.del", []string{"b2"}},
		{"*[id^=item-]", []string{"item-1", "item-2"}},
		{`[class~="danger"]`, []string{"b1"}},
		{`input[value$=" b"]`, []string{"title"}},
		{`[id*="tem-"]`, []string{"item-1", "item-2"}},
		{`form[live-submit="save"] button[type=submit]`, []string{"save"}},
		{"BUTTON[LIVE-CLICK=delete].danger", []string{"b1"}},
		{"#inert", nil}, // template content is not in the document
		{"svg foreignObject", []string{"fo"}},
		{"[viewbox]", []string{"svg"}},
		{"  #items   li  ", []string{"item-1", "item-2"}},
	} {
		t.Run(tc.selector, func(t *testing.T) {
			sel, err := parseSelector(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range sel.find(root) {
				id, _ := m.el.Attr("id")
				got = append(got, id)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("matched %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUnsupportedSelectorsAreRefused(t *testing.T) {
	for _, tc := range []struct{ selector, want string }{
		{"", "unexpected end"},
		{"li:first-child", "pseudo-classes"},
		{"a, b", "selector lists"},
		{"li + li", "sibling combinators"},
		{"li ~ li", "sibling combinators"},
		{"a >", "unexpected end"},
		{"[name", "unexpected end"},
		{`[name="x]`, "unterminated"},
		{"[name|=x]", "unsupported attribute test"},
		{"#", "unexpected end"},
	} {
		t.Run(tc.selector, func(t *testing.T) {
			_, err := parseSelector(tc.selector)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
