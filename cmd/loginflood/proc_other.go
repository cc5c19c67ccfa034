//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

var errNotLinux = errors.New("loginflood reads /proc and runs on Linux only")

type memory struct{ RSS, HWM uint64 }

func readMemory(int) (memory, error) { return memory{}, errNotLinux }
func resetPeak(int) error            { return errNotLinux }
func tieToParent(*exec.Cmd)          {}
func loadAvg() string                { return "" }
