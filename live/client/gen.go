package client

//go:generate go run ./internal/minify/gen client.js client.min.js
//go:generate go run ./internal/minify/gen upload.js upload.min.js
//go:generate go run ./internal/minify/gen dev.js dev.min.js
