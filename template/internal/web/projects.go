package web

import (
	"context"
	"errors"
	"html/template"
	"io"
	"strconv"

	"github.com/liveapp/liveapp/accounts"
	authweb "github.com/liveapp/liveapp/accounts/web"
	"github.com/liveapp/liveapp/live"

	"github.com/liveapp/liveapp/template/internal/projects"
)

// The projects pages: a list, a form for new and existing projects, and a
// page per project. Each view passes the current user's scope to the
// projects.Store, which only ever finds that user's projects; an id of someone
// else's project, in a URL or in an event, finds nothing.

// ProjectIndex lists the user's projects, kept current across their tabs.
type ProjectIndex struct {
	app      *App
	scope    accounts.Scope
	rows     *live.Memo[projects.Project] // the list's rows
	page     *live.Memo[projectList]      // the page around them
	Projects []projects.Project
}

// projectList is what the list's page shows: nothing but its rows, so that
// the tabs that show the same projects share the page's render too.
type projectList struct {
	Rows template.HTML // the rendered rows; empty when there are none
}

// Mount loads the projects and registers the list's events.
func (v *ProjectIndex) Mount(ctx context.Context, s *live.Socket) error {
	title(s, "Projects")
	v.scope = authweb.ScopeFromSocket(s)
	v.rows = live.NewMemo[projects.Project](s, nil) // given their templates in Render
	v.page = live.NewMemo[projectList](s, nil)
	if err := v.load(ctx); err != nil {
		return err
	}
	// A project changed in another tab (or this one): reload the list.
	err := s.Subscribe(projects.Topic(v.scope), func(ctx context.Context, _ string, _ []byte) error {
		return v.load(ctx)
	})
	if err != nil {
		return err
	}
	// The list asks for confirmation in the browser (the modal of
	// project_row); only the confirmed delete reaches the server.
	s.On("delete", func(ctx context.Context, p live.Params) error {
		id, err := p.Int("id")
		if err != nil {
			return err
		}
		// The id comes from the browser, so it may be anyone's: Delete only
		// deletes it if it is this user's.
		switch err := v.app.Projects.Delete(ctx, v.scope, id); {
		case errors.Is(err, projects.ErrNotFound):
			flash(s, "error", "Project not found.")
		case err != nil:
			return err
		default:
			flash(s, "info", "Project deleted.")
		}
		return v.load(ctx)
	}, live.Requires(v.app.auth.LoggedIn()))
	return nil
}

func (v *ProjectIndex) load(ctx context.Context) error {
	list, err := v.app.Projects.List(ctx, v.scope)
	if err == nil {
		v.Projects = list
	}
	return err
}

// Render renders the list. When a project changes, every tab of its user
// renders this page again. Its rows and the page around them go through
// live.Memos: a row's template runs only when its project changed, and the
// tabs on this server that show the same projects share one render of each,
// rather than rendering them once per tab.
func (v *ProjectIndex) Render(w io.Writer) error {
	set := v.app.templates.Load() // reloaded after an edit in dev mode
	v.rows.SetTemplate(set.Lookup("project_row"))
	v.page.SetTemplate(set.Lookup("project_index"))
	rows, err := v.rows.Each(v.Projects)
	if err != nil {
		return err
	}
	page, err := v.page.Each([]projectList{{Rows: rows}})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, string(page))
	return err
}

// ProjectForm creates a project (/projects/new) or edits one
// (/projects/{id}/edit), validating as the user types.
type ProjectForm struct {
	app     *App
	edit    bool // editing the project of the URL's {id}, rather than creating one
	scope   accounts.Scope
	Project *projects.Project // the project being edited; nil for a new one
	Form    projects.Params
	Errors  map[string]string
	touched map[string]bool // fields the user has changed; only those show errors
}

// Mount loads the project to edit, if any, and registers the form's events.
func (v *ProjectForm) Mount(ctx context.Context, s *live.Socket) error {
	v.scope = authweb.ScopeFromSocket(s)
	v.touched = map[string]bool{}
	if v.edit {
		p, err := loadProject(ctx, v.app, v.scope, s)
		if err != nil {
			return err
		}
		v.Project = p
		v.Form = projects.Params{Name: p.Name, Description: p.Description}
		title(s, "Edit "+p.Name)
		// Leave if the project is deleted in another tab.
		err = s.Subscribe(projects.Topic(v.scope), func(_ context.Context, _ string, data []byte) error {
			e, err := projects.ParseEvent(data)
			if err != nil || e.Kind != projects.Deleted || e.ID != v.Project.ID {
				return err
			}
			flash(s, "error", "This project was deleted.")
			return s.Navigate("/projects")
		})
		if err != nil {
			return err
		}
	} else {
		title(s, "New project")
	}
	s.On("validate", func(_ context.Context, p live.Params) error {
		v.Form = projectParams(p)
		v.touched[p.Get("_target")] = true
		v.Errors = map[string]string{}
		for field, msg := range projects.FieldErrors(v.Form.Validate()) {
			if v.touched[field] {
				v.Errors[field] = msg
			}
		}
		return nil
	})
	s.On("save", func(ctx context.Context, p live.Params) error {
		v.Form = projectParams(p)
		var saved *projects.Project
		var err error
		if v.Project == nil {
			saved, err = v.app.Projects.Create(ctx, v.scope, v.Form)
		} else {
			// The id is the one this view mounted with, never one from the
			// event; Update checks it belongs to the user all the same.
			saved, err = v.app.Projects.Update(ctx, v.scope, v.Project.ID, v.Form)
		}
		switch {
		case projects.FieldErrors(err) != nil:
			v.Errors = projects.FieldErrors(err)
			return nil
		case errors.Is(err, projects.ErrNotFound):
			flash(s, "error", "This project no longer exists.")
			return s.Navigate("/projects")
		case err != nil:
			return err
		}
		if v.Project == nil {
			flash(s, "info", "Project created.")
		} else {
			flash(s, "info", "Project updated.")
		}
		return s.Navigate(projectPath(saved.ID))
	}, live.Requires(v.app.auth.LoggedIn()))
	return nil
}

// Render renders the form.
func (v *ProjectForm) Render(w io.Writer) error { return v.app.render(w, "project_form", v) }

// ProjectShow shows one project.
type ProjectShow struct {
	app     *App
	scope   accounts.Scope
	Project *projects.Project
}

// Mount loads the project and registers the page's events.
func (v *ProjectShow) Mount(ctx context.Context, s *live.Socket) error {
	v.scope = authweb.ScopeFromSocket(s)
	p, err := loadProject(ctx, v.app, v.scope, s)
	if err != nil {
		return err
	}
	v.Project = p
	title(s, p.Name)
	// Follow changes made in the user's other tabs.
	err = s.Subscribe(projects.Topic(v.scope), func(ctx context.Context, _ string, data []byte) error {
		e, err := projects.ParseEvent(data)
		if err != nil || e.ID != v.Project.ID {
			return err
		}
		switch e.Kind {
		case projects.Updated:
			if p, err := v.app.Projects.Get(ctx, v.scope, e.ID); err == nil {
				v.Project = p
				title(s, p.Name)
			}
		case projects.Deleted:
			flash(s, "error", "This project was deleted.")
			return s.Navigate("/projects")
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.On("delete", func(ctx context.Context, _ live.Params) error {
		err := v.app.Projects.Delete(ctx, v.scope, v.Project.ID)
		if err != nil && !errors.Is(err, projects.ErrNotFound) {
			return err
		}
		flash(s, "info", "Project deleted.")
		return s.Navigate("/projects")
	}, live.Requires(v.app.auth.LoggedIn()))
	return nil
}

// Render renders the page.
func (v *ProjectShow) Render(w io.Writer) error { return v.app.render(w, "project_show", v) }

// loadProject returns the project the URL's {id} names, or live.ErrNotFound
// (a 404) when the user has no such project, whoever else might.
func loadProject(ctx context.Context, app *App, scope accounts.Scope, s *live.Socket) (*projects.Project, error) {
	id, err := strconv.ParseInt(s.Param("id"), 10, 64)
	if err != nil {
		return nil, live.ErrNotFound
	}
	p, err := app.Projects.Get(ctx, scope, id)
	if errors.Is(err, projects.ErrNotFound) {
		return nil, live.ErrNotFound
	}
	return p, err
}

func projectParams(p live.Params) projects.Params {
	return projects.Params{Name: p.Get("name"), Description: p.Get("description")}
}

func projectPath(id int64) string { return "/projects/" + strconv.FormatInt(id, 10) }

// flash replaces the page's flash messages with one message.
func flash(s *live.Socket, kind, message string) {
	s.ClearFlash()
	s.PutFlash(kind, message)
}
