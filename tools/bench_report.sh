#!/bin/sh
# bench_report.sh BUILD_DIR SHORT:MACHINE... - runs BUILD_DIR/SHORT/bench.elf
# on each QEMU machine twice under -icount shift=10,sleep=off, checks that
# the two runs print the same counts, and writes one table (a column per
# board) into BENCHMARKS.md between the bench markers.
set -eu
B=$1; shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for pair in "$@"; do
    short=${pair%%:*} machine=${pair#*:}
    for run in 1 2; do
        sh ports/cortex-m/run.sh "$machine" "$B/$short/bench.elf" 600 -icount shift=10,sleep=off \
            > "$tmp/$short.$run" || { echo "bench: $short run $run failed" >&2; cat "$tmp/$short.$run" >&2; exit 1; }
    done
    if cmp -s "$tmp/$short.1" "$tmp/$short.2"; then same=identical; else same=DIFFERENT; status=1; fi
    echo "$short ($machine): $(head -n 1 "$tmp/$short.1" | sed 's/^bench: //'); rerun $same"
    echo "$short $machine $same" >> "$tmp/boards"
done
# columns: benchmark, then "instructions (per unit)" per board, then arena bytes
{
    printf '| benchmark |'
    while read -r short machine same; do printf ' %s `%s` |' "$short" "$machine"; done < "$tmp/boards"
    printf ' arena bytes |\n|---|'
    while read -r short machine same; do printf -- '---:|'; done < "$tmp/boards"
    printf -- '---:|\n'
    first=$(head -n 1 "$tmp/boards" | cut -d' ' -f1)
    grep '^| ' "$tmp/$first.1" | cut -d'|' -f2 | while read -r name; do
        printf '| %s |' "$name"
        arena=""
        while read -r short machine same; do
            row=$(grep -F "| $name |" "$tmp/$short.1" | head -n 1)
            cell=$(printf '%s' "$row" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//')
            per=$(printf '%s' "$row" | cut -d'|' -f4 | sed 's/^ *//; s/ *$//')
            a=$(printf '%s' "$row" | cut -d'|' -f5 | sed 's/^ *//; s/ *$//')
            [ -n "$a" ] && arena=$a
            if [ -n "$per" ]; then printf ' %s (%s) |' "$cell" "$(echo "$per" | cut -d' ' -f1)"
            else printf ' %s |' "$cell"; fi
        done < "$tmp/boards"
        printf ' %s |\n' "$arena"
    done
} > "$tmp/table"
cat "$tmp/table"
{
    echo "Instructions per call, counted under \`qemu-system-arm -icount shift=10,sleep=off\`"
    echo "(in brackets: per MAC, or per element for softmax and layer norm)."
    echo "Every board ran the benchmark twice: counts identical on rerun:"
    echo "$(awk '{printf "%s%s %s", sep, $1, $3; sep=", "}' "$tmp/boards")."
    echo "Regenerate with \`make bench\`."
    echo
    cat "$tmp/table"
} | sh tools/md_section.sh BENCHMARKS.md bench
exit $status
