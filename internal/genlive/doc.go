// Package genlive generates a resource into a liveapp app: what `liveapp
// gen.live Task tasks title:string ...` writes. The code it writes has the
// shape of the template's hand-written projects resource, so that a generated
// resource reads like the sample a user has already met: a data package whose
// every function takes an accounts.Scope and filters by it in SQL, live views
// with inline validation, and tests that include another user's attempts to
// reach a record.
//
// It works in three steps, so that nothing is written unless everything can be:
//
//   - NewResource checks the command line: names, field types, reserved words.
//   - Prepare reads the app (go.mod for the module path, migrations, the web
//     package's declarations, routes.go) and refuses what is in the way: a
//     table or package of the same name, views or routes already declared,
//     routes.go or web.go without its marker lines. It then renders every file
//     from the code templates in templates/, formats the Go ones, and plans the edit of
//     routes.go, still writing nothing.
//   - Plan.Apply writes the files with scaffold.Write, which refuses to
//     overwrite a changed file unless forced, then adds the routes above the
//     marker line.
//
// Running the same command again changes nothing: the migration keeps the
// number it got (its file is named NNN_create_TABLE.sql), every file renders to
// the same bytes, and routes already in routes.go are left alone.
//
// # Field types
//
// Params hold what a form submits, as text (a bool for a checkbox), and Validate
// parses them, so that a form can show "must be a whole number" next to what
// the user typed. The record holds the parsed values:
//
//	type       record (optional)    column        input
//	string     string               text          text, 255 characters
//	text       string               text          textarea, 10000 characters
//	integer    int64 (*int64)       bigint        text with a numeric keyboard
//	boolean    bool                 boolean       checkbox; never optional
//	date       time.Time (*)        date          date
//	datetime   time.Time (*)        timestamptz   datetime-local, in UTC
//	decimal    string (*string)     numeric       text with a decimal keyboard
//	float      float64 (*float64)   double prec.  text with a decimal keyboard
//	uuid       string (*string)     uuid          text, stored in lower case
//	enum:a,b   string               text + CHECK  select of the values
//	references int64 (*int64)       bigint + FK   select of the user's records
//
// The modifier unique adds a unique index on (user_id, field), or (field)
// for a resource without owners; the Store turns its violation into the field
// error "is taken already". A reference (project_id:references:projects)
// points to one of the user's own records: Prepare reads the referenced table
// from the app's migrations (refs.go), and the Store checks ownership before
// it writes. Resource.Shared (gen.live --no-scope) drops the owner: no
// user_id, and every logged-in user reaches every record.
//
// A decimal stays the exact text PostgreSQL's numeric gives, such as "12.50":
// Go has no decimal type, a float64 would round, and liveapp adds no
// dependency for it. An optional text field is "" when blank, any other
// optional field NULL, a nil pointer.
//
// # What the app must have
//
// The generated code builds on parts of liveapp's template that Prepare
// checks for: the marker line in internal/web/routes.go inside the live session
// of logged-in users, App with its render method and cfg.DB, the title
// function, and the test helpers of internal/web/web_test.go. The views
// declare the flash helper when the web package lacks it. The resource's Store
// is a field of App, built once in New and shared by its views: gen.live adds
// the field, the line that builds it and the import above the two marker lines
// of internal/web/web.go (StoreFieldMarker and StoreBuildMarker), and refuses,
// saying what to add, an app made before they existed.
package genlive
