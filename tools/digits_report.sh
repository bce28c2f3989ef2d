#!/bin/sh
# digits_report.sh BUILD_DIR SHORT:MACHINE... - runs the digits firmware
# (BUILD_DIR/SHORT/digits.elf and, when built, BUILD_DIR/SHORT-clang/digits.elf)
# on each QEMU machine under -icount shift=10,sleep=off and writes the table
# of instructions per image (float and int8, both compilers) and arenas into
# BENCHMARKS.md and README.md between the "digits" markers. Fails if a run
# fails or, on a core, the int8 model is not faster than the float one (each
# with the better of the two compilers); a compiler alone is only noted.
set -eu
B=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
# field N of the float / int8 line: "... arena 3616 B, 503822 instructions per inference ..."
insns() { sed -n "s/^$1 .* \([0-9][0-9]*\) instructions per inference.*/\1/p" "$2"; }
arena() { sed -n "s/^$1 .*, arena \([0-9][0-9]*\) B,.*/\1/p" "$2"; }
# 1234567 -> 1,234,567
commas() { echo "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
{
    echo '| core | QEMU machine | float gcc | int8 gcc | float clang | int8 clang | float arena | int8 arena |'
    echo '|---|---|---:|---:|---:|---:|---:|---:|'
    for pair in "$@"; do
        short=${pair%%:*} machine=${pair#*:}
        row="| $short | \`$machine\` |"
        fa="" ia="" bestf="" besti=""
        for dir in "$short" "$short-clang"; do
            elf=$B/$dir/digits.elf
            if [ ! -f "$elf" ]; then row="$row | |"; continue; fi
            out=$tmp/$dir
            sh ports/cortex-m/run.sh "$machine" "$elf" 600 -icount shift=10,sleep=off > "$out" ||
                { echo "digits: $dir failed" >&2; cat "$out" >&2; exit 1; }
            f=$(insns float "$out") i=$(insns int8 "$out")
            [ -n "$f" ] && [ -n "$i" ] || { echo "digits: $dir printed no counts" >&2; exit 1; }
            [ "$i" -lt "$f" ] || echo "digits: note: $dir: int8 ($i) not faster than float ($f) with this compiler" >&2
            { [ -z "$bestf" ] || [ "$f" -lt "$bestf" ]; } && bestf=$f
            { [ -z "$besti" ] || [ "$i" -lt "$besti" ]; } && besti=$i
            fa=$(arena float "$out") ia=$(arena int8 "$out")
            row="$row $(commas "$f") | $(commas "$i") |"
        done
        if [ "$besti" -ge "$bestf" ]; then
            echo "digits: $short: int8 ($besti) not faster than float ($bestf), the better compiler each" >&2
            status=1
        fi
        echo "$row $(commas "$fa") B | $(commas "$ia") B |"
    done
} > "$tmp/table"
cat "$tmp/table"
for file in BENCHMARKS.md README.md; do
    {
        echo "Instructions per image (mean over the 360 test images) under"
        echo "\`qemu-system-arm -icount shift=10,sleep=off\`, each core built by"
        echo "\`arm-none-eabi-gcc 12.2.1 -O2\` and by clang 14 (\`-O2\`; the board flags of the"
        echo "Makefile). Regenerate with \`make bench\`."
        echo
        cat "$tmp/table"
    } | sh tools/md_section.sh "$file" digits
done
exit $status
