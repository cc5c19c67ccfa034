// Package projects is the app's sample resource: projects that each belong to
// one user. It shows the shape to copy for your own resources.
//
// Every function that reads or writes projects takes the accounts.Scope of the
// user it acts for, and every query filters on that user in SQL. A project of
// another user is therefore indistinguishable from a missing one: Get, Update
// and Delete answer ErrNotFound and change nothing, whatever id a crafted URL or
// event carries. There is no function that reaches a project without a scope.
//
// After each change the Store publishes an Event on the owner's Topic, so that
// the owner's other tabs (on any node sharing the PubSub) can refresh. On a
// PubSub that publishes within a transaction, as the app's PostgreSQL one does,
// the Event is part of the change's transaction: it goes out if and only if the
// change commits.
package projects
