#!/bin/sh
# size_report.sh CC "SHORT:CPU FLAGS"... - flash (.text + .rodata) and RAM
# (.data + .bss) of the library alone (one object file built from
# attention.h with ATTN_IMPLEMENTATION), float path, per core at -Os and -O2;
# writes the table into BENCHMARKS.md between the size markers.
set -eu
cc=$1; shift
size=${cc%gcc}size
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#define ATTN_IMPLEMENTATION\n#include "attention.h"\n' > "$tmp/impl.c"
{
    echo '| core | flags | flash -Os | RAM -Os | flash -O2 | RAM -O2 |'
    echo '|---|---|---:|---:|---:|---:|'
    for arg in "$@"; do
        short=${arg%%:*} flags=${arg#*:}
        printf '| %s | `%s` |' "$short" "$flags"
        for opt in -Os -O2; do
            # shellcheck disable=SC2086
            $cc $flags $opt -std=c99 -ffunction-sections -fdata-sections -I. -c "$tmp/impl.c" -o "$tmp/impl.o"
            $size -B "$tmp/impl.o" | awk 'NR == 2 { printf " %d | %d |", $1, $2 + $3 }'
        done
        printf '\n'
    done
} > "$tmp/table"
cat "$tmp/table"
{
    echo "Bytes of the library alone: \`${cc} -std=c99\` on a file holding only"
    echo "\`#define ATTN_IMPLEMENTATION\` + \`#include \"attention.h\"\` (the float path; libm"
    echo "routines such as \`expf\`, \`erff\`, \`sqrtf\` and, on cores without an FPU, the"
    echo "soft-float helpers come from the C library and are not counted). Flash is"
    echo ".text + .rodata, RAM .data + .bss (the library has no globals). Regenerate"
    echo "with \`make size\`."
    echo
    cat "$tmp/table"
} | sh tools/md_section.sh BENCHMARKS.md size
