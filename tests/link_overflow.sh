#!/bin/sh
# link_overflow.sh BUILD_DIR - a program whose .data + .bss do not leave the
# board's stack room in RAM must fail to link, and the message must name the
# region and the bytes over (instead of an image that locks QEMU up at reset).
# The program is tests/link_overflow.c, built and linked by the Makefile's
# one firmware rule (make BUILD_DIR/m0/overflow.elf) for the micro:bit
# (16 KB) and the M4 board; MAKE names the make to run (default make).
# Exits 0 if every link fails so.
set -u
B=${1:-build}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0
for d in m0 m4; do
    elf=$B/$d/overflow.elf
    rm -f "$elf"
    if ${MAKE:-make} --no-print-directory "$elf" > "$tmp" 2>&1; then
        echo "link_overflow: $elf: a .bss over the board's RAM linked" >&2
        status=1
    elif ! grep -Eq "region .RAM. overflowed by [0-9]+ bytes|RAM overflow" "$tmp"; then
        echo "link_overflow: $elf: the link failed without naming the region:" >&2
        cat "$tmp" >&2
        status=1
    fi
done
exit $status
