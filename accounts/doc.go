// Package accounts is the domain core of liveapp's user accounts: registration,
// password login and session tokens, stored in PostgreSQL with the schema of
// package migrations (tables users and users_tokens). It knows nothing of HTTP;
// web code calls it through a Store and passes the caller's identity as a Scope.
//
//	store, err := accounts.New(pool, accounts.Config{}) // safe defaults
//	user, err := store.Register(ctx, email, password)   // *ValidationError when invalid
//	user, err := store.Authenticate(ctx, email, password)
//	token, err := store.CreateSessionToken(ctx, user, accounts.SessionMeta{UserAgent: ua, IP: ip})
//	user, session, err := store.UserBySessionToken(ctx, token)
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
// # Sessions
//
// A session token is 32 random bytes. Only its SHA-256 is stored, in
// users_tokens with context "session", so a leaked table grants no session. A
// token is valid for 14 days; after 7 days UserBySessionToken sets
// Session.NeedsReissue so the caller can replace it with a fresh one, which
// keeps active users logged in. SocketID names a session's live sockets for
// broadcasting a disconnect at logout.
//
// # Secrets in logs
//
// User holds no password hash, and User and SessionToken format themselves (for
// every fmt verb and for log/slog) without secrets: a token prints as
// "SessionToken(redacted)".
package accounts
