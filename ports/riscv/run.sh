#!/bin/sh
# run.sh - boot an ELF on a RISC-V QEMU board with semihosting; the
# program's exit status becomes ours. A program still running after TIMEOUT
# seconds is killed and reported as a failure (exit 124).
# usage: ports/riscv/run.sh BOARD ELF [TIMEOUT] [extra qemu arguments...]
#   BOARD: the QEMU machine and core the Makefile's RISC-V boards run on:
#     virt-rv32imac   virt, an rv32imac core (no FPU: F and D off, so a
#                     float instruction would trap)
#     virt-rv32imafc  virt, an rv32imafc core (single precision only)
#     sifive_e        the SiFive E board (FE310, E31 core: rv32imac)
#   e.g. ports/riscv/run.sh virt-rv32imac build/rv32imac/test.elf 300
#        ports/riscv/run.sh sifive_e bench.elf 600 -icount shift=0
#   (under -icount shift=0 the instret counter port.c reads is exact)
set -u
[ $# -ge 2 ] || { echo "usage: $0 BOARD ELF [TIMEOUT] [qemu args...]" >&2; exit 2; }
board=$1 elf=$2
limit=${3:-300}
shift 2; [ $# -gt 0 ] && shift
case $board in
virt-rv32imac)  set -- -M virt -cpu rv32,f=false,d=false "$@" ;;
virt-rv32imafc) set -- -M virt -cpu rv32,d=false "$@" ;;
sifive_e)       set -- -M sifive_e "$@" ;;
*) echo "run.sh: unknown board $board (virt-rv32imac, virt-rv32imafc, sifive_e)" >&2; exit 2 ;;
esac
command -v qemu-system-riscv32 >/dev/null 2>&1 || {
    echo "run.sh: qemu-system-riscv32 not found (make ports-deps installs it)" >&2; exit 127; }
# (the semihosting console on a stdio chardev: without one QEMU writes the
# RISC-V program's console to its stderr)
timeout "$limit" qemu-system-riscv32 "$@" -bios none -nographic -monitor none -serial null \
    -chardev stdio,id=semihost -semihosting-config enable=on,target=native,chardev=semihost \
    -kernel "$elf" </dev/null
rc=$?
[ $rc -eq 124 ] && echo "run.sh: $board: no exit after ${limit} s: killed (counted as a failure)" >&2
exit $rc
