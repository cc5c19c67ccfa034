//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

var errNotLinux = errors.New("liveload reads /proc and runs on Linux only")

func readRSS(int) (uint64, error)  { return 0, errNotLinux }
func raiseNoFile() (uint64, error) { return 0, errNotLinux }
func tieToParent(*exec.Cmd)        {}
func loadAvg() string              { return "" }
