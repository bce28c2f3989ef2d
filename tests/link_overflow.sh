#!/bin/sh
# link_overflow.sh - a program whose .data + .bss do not leave the board's
# stack room in RAM must fail to link, and the message must name the region
# and the bytes over (instead of an image that locks QEMU up at reset).
# Checks the micro:bit (16 KB) and the M4 board's script; exits 0 if every
# link fails so.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for pair in "microbit:-mcpu=cortex-m0 -mthumb:15000" "mps2-an386:-mcpu=cortex-m4 -mthumb:4190000"; do
    board=${pair%%:*} rest=${pair#*:} flags=${rest%%:*} bytes=${rest#*:}
    printf 'char big[%s];\nchar *volatile bp = big;\nint main(void) { bp[3] = 1; return bp[3]; }\n' \
        "$bytes" > "$tmp/big.c"
    # shellcheck disable=SC2086
    if arm-none-eabi-gcc $flags -O2 "$tmp/big.c" ports/cortex-m/startup.c ports/cortex-m/port.c \
        -DPORT_COUNTER_SYSTICK -Iports/cortex-m --specs=rdimon.specs -nostartfiles -Lports/cortex-m \
        -Tports/cortex-m/boards/$board.ld -o "$tmp/big.elf" > "$tmp/log" 2>&1; then
        echo "link_overflow: $board: a ${bytes}-byte .bss linked" >&2
        status=1
    elif ! grep -Eq "region .RAM. overflowed by [0-9]+ bytes|RAM overflow" "$tmp/log"; then
        echo "link_overflow: $board: the link failed without naming the region:" >&2
        cat "$tmp/log" >&2
        status=1
    fi
done
exit $status
