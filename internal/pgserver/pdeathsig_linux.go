package pgserver

import "syscall"

// setParentDeathSignal asks the kernel to send the postmaster SIGQUIT
// (immediate shutdown) when its parent dies, even by SIGKILL.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGQUIT }
