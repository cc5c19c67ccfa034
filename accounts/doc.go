// Package accounts is the domain core of liveapp's user accounts: registration,
// password and magic-link login, session tokens, email and password changes
// guarded by sudo mode, stored in PostgreSQL with the schema of
// package migrations (tables users, users_tokens and rate_limits). It knows
// nothing of HTTP; web code calls it through a Store and passes the caller's
// identity as a Scope.
//
//	store, err := accounts.New(pool, accounts.Config{}) // safe defaults
//	user, err := store.Register(ctx, email, password)   // *ValidationError when invalid
//	user, err := store.Authenticate(ctx, email, password, ip)
//	token, err := store.CreateSessionToken(ctx, user, accounts.SessionMeta{UserAgent: ua, IP: ip})
//	user, session, err := store.UserBySessionToken(ctx, token)
//
//	err = store.DeliverLoginInstructions(ctx, email, ip, linkTo) // nil whether or not email exists
//	user, token, err = store.LogInByMagicLink(ctx, tokenFromLink, meta)
//
//	scope := accounts.Scope{User: user, AuthenticatedAt: session.AuthenticatedAt}
//	err = store.DeliverEmailChangeInstructions(ctx, scope, newEmail, linkTo) // ErrSudoRequired
//	err = store.UpdateEmail(ctx, scope, tokenFromLink)
//	token, err = store.UpdatePassword(ctx, scope, newPassword, meta) // ends every other session
//
// # Passwords
//
// Passwords are hashed with argon2id, by default at OWASP's minimum (m=19 MiB,
// t=2, p=1). A password must have at least 12 characters and at most 1024
// bytes; there are no composition rules. Authenticate computes exactly one hash
// per attempt, against a dummy hash made at startup when the email is unknown,
// and answers ErrInvalidCredentials for unknown emails and wrong passwords
// alike. Hashes made with parameters below the current ones are replaced at the
// next successful login, so raising Config.Hash upgrades users as they log in.
//
// Hashing is CPU- and memory-bound, so at most Config.HashConcurrency hashes run
// at once (default GOMAXPROCS); a hash that cannot start within Config.HashWait
// (default 2 s) fails with ErrBusy, which callers should show as "try again"
// rather than queueing without bound.
//
// # Rate limits
//
// Before it hashes anything, Authenticate counts the attempt in PostgreSQL,
// where every node of an app sees the same counters: by default at most 10
// logins per 3 minutes from one IP address for one email, 100 per 3 minutes
// from one address for any emails, and 100 failed logins per hour for one email
// from all addresses. Magic-link requests have the same per-address limits of
// their own. An attempt over a limit fails with ErrTooManyAttempts and costs no
// hash. Counters go by the email as typed, never by user, so they behave the
// same for unknown addresses. See RateLimits.
//
// # Sessions
//
// A session token is 32 random bytes. Only its SHA-256 is stored, in
// users_tokens with context "session", so a leaked table grants no session. A
// token is valid for 14 days; after 7 days UserBySessionToken sets
// Session.NeedsReissue so the caller can replace it with a fresh one, which
// keeps active users logged in; ReissueSessionToken does so without renewing
// the session's authentication time.
//
// SocketID names a session's live sockets. The Store closes them itself, through
// Config.Sockets (a *live.Runtime; package live is not imported), whenever it
// deletes sessions: logout, DeleteSession, DeleteOtherSessions, a password
// change and the first magic-link login of an account. It works from the
// stored hash, which is what SocketID is derived from, so it needs no token,
// and it does so after the deletion is committed; a lost disconnect is logged,
// and accounts/web's Revalidate closes the socket later.
//
// # Magic links
//
// An account may have no password (Register with ""): it logs in by links sent
// by email. DeliverLoginInstructions answers nil whether or not the address has
// an account; looking it up, storing the token and sending happen in the
// background, at most Config.MailConcurrency at once and each within
// Config.MailTimeout, so neither the answer nor its timing tells the cases
// apart. WaitForMail waits for these sends, at shutdown and in tests.
//
// Like a session token, the token of a link is 32 random bytes, base64url in the
// link and only hashed in users_tokens, with context "login" and the address it
// was sent to in sent_to. It logs in once, within 15 minutes, and only while the
// account's email is still that address. The first login of an unconfirmed
// account confirms its email and deletes every other token of the user, so
// nothing started before the owner of the address showed up survives.
//
// An unconfirmed account that has a password is refused with
// ErrConfirmBeforeMagicLink. Otherwise anyone could register someone else's
// address with a password of their own and wait: the owner's first magic-link
// login would confirm the account and leave the intruder's password working
// (credential pre-stuffing). UserByMagicLinkToken lets a page ask the user to
// confirm before the link is used, since mail scanners follow links.
//
// # Sudo mode
//
// Every session records when its user last proved who they are, by password
// or magic link (Session.AuthenticatedAt, which web code copies into
// Scope.AuthenticatedAt). For Config.SudoFor afterwards, 10 minutes by
// default, InSudoMode is true; changing the email or the password requires it
// and fails with ErrSudoRequired otherwise, so that a stolen or forgotten
// session cannot lock the owner out for good.
//
// DeliverEmailChangeInstructions sends a link to the new address, valid 7 days,
// with context "change:" and the current address, so that it dies if the
// address changes meanwhile; UpdateEmail follows it, for the same user only,
// and marks the new address confirmed. Whether the new address is taken is
// only checked then, so the form reveals nothing about other accounts.
// UpdatePassword deletes every token of the user, closes their sockets, and
// returns a new session token for the browser that made the change.
//
// # Email
//
// Config.Mailer sends the emails, in plain text (package mail has an SMTP
// mailer and, for development, a DevMailbox to mount at /dev/mailbox).
// Failures of background sends go to Config.Logger.
//
// # Secrets in logs
//
// User holds no password hash, and User and SessionToken format themselves (for
// every fmt verb and for log/slog) without secrets: a token prints as
// "SessionToken(redacted)". Email tokens are never logged: a Mailer error that
// quotes the message has the token replaced before it is logged or returned.
package accounts
