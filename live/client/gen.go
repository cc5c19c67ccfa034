package client

//go:generate go run ./internal/minify/gen client.js client.min.js
