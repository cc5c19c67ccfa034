package audit

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for a reader: each route with its surface,
// the settings, then the findings.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d live routes, %d HTTP routes\n", r.App, len(r.Routes), len(r.HTTPRoutes))
	for _, rt := range r.Routes {
		fmt.Fprintf(&b, "\n%s  %s", rt.Path, rt.View)
		if rt.Template != "" {
			fmt.Fprintf(&b, "  (template %s)", rt.Template)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "  session  %s: %s\n", rt.LiveSession, listOr(rt.Hooks, "no hooks"))
		access := "login required"
		switch {
		case rt.Public:
			access = "public"
		case rt.ReachableWithoutLogin:
			access = "reachable without login, NOT marked public"
		}
		if len(rt.Requires) > 0 {
			access += "; requires " + strings.Join(rt.Requires, ", ")
		}
		fmt.Fprintf(&b, "  access   %s\n", access)
		for i, e := range rt.Events {
			label := "          "
			if i == 0 {
				label = "  events  "
			}
			var parts []string
			if len(e.Requires) > 0 {
				parts = append(parts, "requires "+strings.Join(e.Requires, ", "))
			}
			if e.RateLimit != "" {
				parts = append(parts, "rate "+e.RateLimit)
			}
			if len(e.Writes) > 0 {
				parts = append(parts, "writes "+strings.Join(e.Writes, ", "))
			}
			fmt.Fprintf(&b, "%s %s", label, e.Name)
			if len(parts) > 0 {
				fmt.Fprintf(&b, ": %s", strings.Join(parts, "; "))
			}
			b.WriteString("\n")
		}
		var assigns []string
		for _, a := range rt.Assigns {
			if a.Type != "" {
				assigns = append(assigns, a.Name+" "+a.Type)
			} else {
				assigns = append(assigns, a.Name)
			}
		}
		if len(assigns) > 0 {
			fmt.Fprintf(&b, "  assigns  %s\n", strings.Join(assigns, ", "))
		}
		if len(rt.Topics) > 0 {
			fmt.Fprintf(&b, "  topics   %s\n", strings.Join(rt.Topics, ", "))
		}
	}
	s := r.Settings
	fmt.Fprintf(&b, "\nsettings (production defaults)\n")
	fmt.Fprintf(&b, "  environment %s, dev mode %v, dev secret accepted %v\n", s.Environment, s.DevMode, s.SecretKeyBaseDevDefault)
	fmt.Fprintf(&b, "  websocket origin check %s%s\n", s.CheckOrigin, listSuffix(s.AllowedOrigins))
	if a := s.Argon2; a != nil {
		fmt.Fprintf(&b, "  argon2id m=%d KiB t=%d p=%d\n", a.MemoryKiB, a.Iterations, a.Parallelism)
	}
	fmt.Fprintf(&b, "  cookies secure %v, http-only %v, same-site %s, prefix %q\n", s.Cookies.Secure, s.Cookies.HTTPOnly, s.Cookies.SameSite, s.Cookies.Prefix)
	fmt.Fprintf(&b, "  CSP %s\n", s.CSP)
	if p := r.Probe; p != nil {
		fmt.Fprintf(&b, "\nprobe of %s\n", p.Page)
		for _, h := range probeHeaders {
			if v, ok := p.Headers[h]; ok {
				fmt.Fprintf(&b, "  %s: %s\n", h, v)
			}
		}
		for _, c := range p.Cookies {
			fmt.Fprintf(&b, "  cookie %s: secure %v, http-only %v, same-site %s\n", c.Name, c.Secure, c.HTTPOnly, c.SameSite)
		}
		for _, c := range p.Websocket {
			mark := "ok"
			if !c.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(&b, "  websocket, %s: %s (want %s) %s\n", c.Case, c.Outcome, c.Want, mark)
		}
	}
	b.WriteString("\n")
	for _, f := range r.Findings {
		where := ""
		if f.Position != "" {
			where = " [" + f.Position + "]"
		}
		fmt.Fprintf(&b, "%-7s %s: %s%s\n", f.Severity, f.Check, f.Message, where)
	}
	fmt.Fprintf(&b, "%s, %s\n", plural(r.Summary.Errors, "error"), plural(r.Summary.Warnings, "warning"))
	_, err := io.WriteString(w, b.String())
	return err
}

func listOr(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return strings.Join(list, ", ")
}

func listSuffix(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return " (" + strings.Join(list, ", ") + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
