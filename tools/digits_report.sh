#!/bin/sh
# digits_report.sh BUILD_DIR SHORT:MACHINE... - runs the digits firmware
# (BUILD_DIR/SHORT/digits.elf and, when built, BUILD_DIR/SHORT-clang/digits.elf)
# on each QEMU machine under -icount shift=10,sleep=off and writes the tables
# of instructions per image (float and int8, both compilers) and arenas, one
# for each of its two models (the rows model and the ViT), into BENCHMARKS.md
# and README.md between the "digits" markers. Fails if a run fails or, on a
# core, a model's int8 version is not faster than its float one (each with
# the better of the two compilers); a compiler alone is only noted.
set -eu
B=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
# field N of a model's float / int8 line (LABEL: float, int8, vit-float,
# vit-int8): "LABEL ... arena 3616 B, 503822 instructions per inference ..."
insns() { sed -n "s/^$1 .* \([0-9][0-9]*\) instructions per inference.*/\1/p" "$2"; }
arena() { sed -n "s/^$1 .*, arena \([0-9][0-9]*\) B,.*/\1/p" "$2"; }
# 1234567 -> 1,234,567
commas() { echo "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
# every build once; both tables come from these outputs
for pair in "$@"; do
    short=${pair%%:*} machine=${pair#*:}
    for dir in "$short" "$short-clang"; do
        elf=$B/$dir/digits.elf
        [ -f "$elf" ] || continue
        sh ports/cortex-m/run.sh "$machine" "$elf" 600 -icount shift=10,sleep=off > "$tmp/$dir" ||
            { echo "digits: $dir failed" >&2; cat "$tmp/$dir" >&2; exit 1; }
    done
done
# table PREFIX NAME: the rows of one model (PREFIX "" or "vit-") into $tmp/table.PREFIX
table() {
    p=$1 what=$2
    shift 2
    {
        echo '| core | QEMU machine | float gcc | int8 gcc | float clang | int8 clang | float arena | int8 arena |'
        echo '|---|---|---:|---:|---:|---:|---:|---:|'
        for pair in "$@"; do
            short=${pair%%:*} machine=${pair#*:}
            row="| $short | \`$machine\` |"
            fa="" ia="" bestf="" besti=""
            for dir in "$short" "$short-clang"; do
                out=$tmp/$dir
                if [ ! -f "$out" ]; then row="$row | |"; continue; fi
                f=$(insns "${p}float" "$out") i=$(insns "${p}int8" "$out")
                [ -n "$f" ] && [ -n "$i" ] || { echo "digits: $dir printed no counts for the $what" >&2; exit 1; }
                [ "$i" -lt "$f" ] || echo "digits: note: $dir: $what: int8 ($i) not faster than float ($f) with this compiler" >&2
                { [ -z "$bestf" ] || [ "$f" -lt "$bestf" ]; } && bestf=$f
                { [ -z "$besti" ] || [ "$i" -lt "$besti" ]; } && besti=$i
                fa=$(arena "${p}float" "$out") ia=$(arena "${p}int8" "$out")
                row="$row $(commas "$f") | $(commas "$i") |"
            done
            if [ "$besti" -ge "$bestf" ]; then
                echo "digits: $short: $what: int8 ($besti) not faster than float ($bestf), the better compiler each" >&2
                echo fail >> "$tmp/failed"
            fi
            echo "$row $(commas "$fa") B | $(commas "$ia") B |"
        done
    } > "$tmp/table.$p"
}
table "" "rows model" "$@"
table "vit-" "ViT model" "$@"
[ -f "$tmp/failed" ] && status=1
cat "$tmp/table." "$tmp/table.vit-"
for file in BENCHMARKS.md README.md; do
    {
        echo "Instructions per image (mean over the 360 test images) under"
        echo "\`qemu-system-arm -icount shift=10,sleep=off\`, each core built by"
        echo "\`arm-none-eabi-gcc 12.2.1 -O2\` and by clang 14 (\`-O2\`; the board flags of the"
        echo "Makefile). Regenerate with \`make bench\`. The rows model (8 rows of 8 pixels,"
        echo "mean pooling):"
        echo
        cat "$tmp/table."
        echo
        echo "The ViT model (4 patches of 4x4 pixels and a CLS row, attention pooling):"
        echo
        cat "$tmp/table.vit-"
    } | sh tools/md_section.sh "$file" digits
done
exit $status
