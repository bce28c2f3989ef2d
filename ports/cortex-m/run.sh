#!/bin/sh
# run.sh - boot an ELF on a QEMU board with semihosting; the program's exit
# status becomes ours. A program still running after TIMEOUT seconds is
# killed and reported as a failure (exit 124).
# usage: ports/cortex-m/run.sh BOARD ELF [TIMEOUT] [extra qemu arguments...]
#   e.g. ports/cortex-m/run.sh mps2-an386 build/mps2-an386/test.elf 300
#        ports/cortex-m/run.sh mps2-an386 bench.elf 600 -icount shift=10,sleep=off
set -u
[ $# -ge 2 ] || { echo "usage: $0 BOARD ELF [TIMEOUT] [qemu args...]" >&2; exit 2; }
board=$1 elf=$2
limit=${3:-300}
shift 2; [ $# -gt 0 ] && shift
command -v qemu-system-arm >/dev/null 2>&1 || {
    echo "run.sh: qemu-system-arm not found (make ports-deps installs it)" >&2; exit 127; }
timeout "$limit" qemu-system-arm -M "$board" -nographic -monitor none -serial null \
    -semihosting-config enable=on,target=native -kernel "$elf" "$@" </dev/null
rc=$?
[ $rc -eq 124 ] && echo "run.sh: $board: no exit after ${limit} s: killed (counted as a failure)" >&2
exit $rc
