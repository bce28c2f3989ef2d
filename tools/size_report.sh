#!/bin/sh
# size_report.sh SIZE NAME=COMMAND... -- "SHORT:CPU FLAGS"... - flash (.text +
# .rodata) of the library alone (one object file built from attention.h with
# ATTN_IMPLEMENTATION): the float path (ATTN_NO_INT8), the int8 path
# (ATTN_NO_FLOAT) and both with the quantizer, per core and compiler at -Os
# and -O2; RAM (.data + .bss) is shown only if it is not 0. SIZE is the
# binutils size tool; each NAME=COMMAND is a compiler (e.g.
# gcc=arm-none-eabi-gcc "clang=clang --target=arm-none-eabi ..."). Writes the
# table into BENCHMARKS.md between the size markers.
set -eu
size=$1; shift
compilers=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do compilers="$compilers
$1"; shift; done
[ $# -gt 0 ] && shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#define ATTN_IMPLEMENTATION\n#include "attention.h"\n' > "$tmp/impl.c"
# the int8 encoder path: what a firmware that calls only attn_encoder_s8
# links (--gc-sections, newlib-nano: libgcc and memcpy included), by the cross gcc
link=${size%size}gcc
cat > "$tmp/enc.c" <<'EOF'
#define ATTN_IMPLEMENTATION
#define ATTN_NO_FLOAT
#include "attention.h"
int encoder_path(int8_t *x, int seq, const attn_encoder_cfg *c, const attn_encoder_s8_params *p,
                 attn_arena *a);
int encoder_path(int8_t *x, int seq, const attn_encoder_cfg *c, const attn_encoder_s8_params *p,
                 attn_arena *a)
{
    return (int)attn_encoder_s8(x, seq, NULL, c, p, a);
}
EOF
{
    echo '| core | compiler | float -Os | float -O2 | int8 -Os | int8 -O2 | both + quantizer -Os | both + quantizer -O2 | int8 encoder path -Os | -O2 |'
    echo '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'
    for arg in "$@"; do
        short=${arg%%:*} flags=${arg#*:}
        printf '%s\n' "$compilers" | while IFS= read -r c; do
            [ -n "$c" ] || continue
            name=${c%%=*} cc=${c#*=}
            printf '| %s | %s |' "$short" "$name"
            for variant in -DATTN_NO_INT8 -DATTN_NO_FLOAT ""; do
                for opt in -Os -O2; do
                    # shellcheck disable=SC2086
                    $cc $flags $opt $variant -std=c99 -ffunction-sections -fdata-sections -I. \
                        -c "$tmp/impl.c" -o "$tmp/impl.o"
                    # flash = text (with rodata); RAM must be 0: the library has no globals
                    $size -B "$tmp/impl.o" | awk 'NR == 2 { printf " %d%s |", $1, ($2 + $3) ? " (RAM " $2 + $3 ")" : "" }'
                done
            done
            for opt in -Os -O2; do
                # shellcheck disable=SC2086
                $cc $flags $opt -std=c99 -ffunction-sections -fdata-sections -I. \
                    -c "$tmp/enc.c" -o "$tmp/enc.o"
                # shellcheck disable=SC2086
                $link $flags --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,--gc-sections -Wl,-e,encoder_path "$tmp/enc.o" \
                    -o "$tmp/enc.elf"
                $size -B "$tmp/enc.elf" | awk 'NR == 2 { printf " %d |", $1 }'
            done
            printf '\n'
        done
    done
} > "$tmp/table"
cat "$tmp/table"
{
    echo "Flash bytes (.text + .rodata) of the library alone, built \`-std=c99\`"
    printf '%s\n' "$compilers" | awk 'NF { n = $0; sub(/=.*/, "", n); c = $0; sub(/^[^=]*=/, "", c)
        printf "%sby `%s` (%s)", sep, c, n; sep = " and " } END { print "," }'
    echo "from a file holding only \`#define ATTN_IMPLEMENTATION\` + \`#include \"attention.h\"\`,"
    echo "with \`ATTN_NO_INT8\` (float), \`ATTN_NO_FLOAT\` (int8) or neither (both, and"
    echo "the quantizer, which a firmware image that only runs a model drops with"
    echo "\`--gc-sections\`). Every column but the last two includes the model blobs'"
    echo "writers and loaders (about 6-9 KB of them with gcc -Os; \`ATTN_NO_BLOB\` leaves them"
    echo "out, and a program that does not call them drops them with \`--gc-sections\`)."
    echo "libm and, on cores without an FPU, the soft-float helpers"
    echo "come from the C library and are not counted; RAM (.data + .bss) is 0: the"
    echo "library has no globals. The last two columns are the int8 encoder path: the"
    echo "code a program that calls only \`attn_encoder_s8\` links (\`--gc-sections\`,"
    echo "newlib-nano, so libgcc helpers and memcpy included). Core flags as in the Makefile. Regenerate with"
    echo "\`make size\`."
    echo
    cat "$tmp/table"
} | sh tools/md_section.sh BENCHMARKS.md size
