//go:build !linux

package pgserver

import "syscall"

// setParentDeathSignal is Linux-only; elsewhere the watchdog alone stops a
// server whose owner died.
func setParentDeathSignal(*syscall.SysProcAttr) {}
