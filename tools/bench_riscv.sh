#!/bin/sh
# bench_riscv.sh BUILD_DIR CC DIR:MACHINE... - the RISC-V boards' benchmark
# table. Runs BUILD_DIR/DIR/bench.elf (bench/bench_mcu.c, built by CC for
# one RISC-V board) on its machine (ports/riscv/run.sh) twice under
# `-icount shift=0`, where the instret counter the port reads counts each
# instruction, and checks that the two runs print the same counts. Writes
#   BUILD_DIR/bench/riscv.csv   board,benchmark,instructions,per_mac_or_element,arena_bytes
#   BUILD_DIR/bench/DIR.txt     what each build printed
# and a table, a column per board, into BENCHMARKS.md (tools/md_section.sh,
# section "bench-riscv"). Exit status 1 if a rerun differed.
set -eu
B=$1 cc=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$B/bench
mkdir -p "$out"
status=0
: > "$tmp/rows"
: > "$tmp/builds"
for spec in "$@"; do
    dir=${spec%%:*} machine=${spec#*:}
    for run in 1 2; do
        sh ports/riscv/run.sh "$machine" "$B/$dir/bench.elf" 600 -icount shift=0 > "$tmp/$dir.$run" || {
            echo "bench: $dir run $run failed" >&2; cat "$tmp/$dir.$run" >&2; exit 1; }
    done
    if cmp -s "$tmp/$dir.1" "$tmp/$dir.2"; then same=identical; else same=DIFFERENT; status=1; fi
    cp "$tmp/$dir.1" "$out/$dir.txt"
    echo "$dir ($machine): $(head -n 1 "$tmp/$dir.1" | sed 's/^bench: //'); rerun $same"
    printf '%s\t%s\t%s\n' "$dir" "$machine" "$same" >> "$tmp/builds"
    awk -F'|' -v board="$dir" '
        function trim(s) { gsub(/^ +| +$/, "", s); return s }
        /^\| / && NF >= 6 {
            name = trim($2); n = trim($3); per = trim($4); arena = trim($5)
            if (n ~ /^[0-9]+$/) { split(per, p, " "); printf "%s\t%s\t%s\t%s\t%s\t\n", board, name, n, p[1], arena }
            else printf "%s\t%s\t\t\t\t%s\n", board, name, n
        }' "$tmp/$dir.1" >> "$tmp/rows"
done
awk -F'\t' '
    function q(s) { if (s ~ /[",]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" } return s }
    BEGIN { print "board,benchmark,instructions,per_mac_or_element,arena_bytes" }
    { print q($1) "," q($2) "," $3 "," $4 "," $5 }' "$tmp/rows" > "$out/riscv.csv"
awk -F'\t' -v builds="$tmp/builds" '
    BEGIN { while ((getline l < builds) > 0) { split(l, f, "\t"); bb[++nb] = f[1] } }
    {
        if (!($2 in seen)) { seen[$2] = 1; names[++nn] = $2 }
        cell[$1, $2] = $3 != "" ? $3 " (" $4 ")" : $6
        if ($5 != "" && index(" " arenas[$2] " / ", " " $5 " / ") == 0)
            arenas[$2] = arenas[$2] == "" ? $5 : arenas[$2] " / " $5
    }
    END {
        printf "| benchmark |"; for (i = 1; i <= nb; i++) printf " %s gcc |", bb[i]
        printf " arena bytes |\n|---|"; for (i = 1; i <= nb; i++) printf "---:|"; printf "---:|\n"
        for (j = 1; j <= nn; j++) {
            printf "| %s |", names[j]
            for (i = 1; i <= nb; i++) printf " %s |", ((bb[i], names[j]) in cell) ? cell[bb[i], names[j]] : "not in this build"
            printf " %s |\n", arenas[names[j]]
        }
    }' "$tmp/rows" > "$tmp/table"
cat "$tmp/table"
{
    echo "RISC-V: instructions per call, counted by the instret counter under"
    echo "\`qemu-system-riscv32 -icount shift=0\` (in brackets: per MAC, or per element"
    echo "for softmax and layer norm); gcc = \`${cc%% *} $($cc -dumpversion 2>/dev/null || echo '?') -O2\` with picolibc;"
    echo "boards: $(awk -F'\t' '{printf "%s%s `%s`", sep, $1, $2; sep=", "}' "$tmp/builds")."
    if [ "$status" -eq 0 ]; then
        echo "Every build ran the benchmark twice: counts identical on rerun ($(wc -l < "$tmp/builds" | tr -d ' ') builds)."
    else
        echo "Every build ran the benchmark twice; NOT ALL COUNTS REPEATED:"
        echo "$(awk -F'\t' '{printf "%s%s %s", sep, $1, $3; sep=", "}' "$tmp/builds")."
    fi
    echo "The same numbers as data: \`build/bench/riscv.csv\`. Regenerate with \`make bench-riscv\` (or \`make bench\`)."
    echo
    cat "$tmp/table"
} | sh tools/md_section.sh BENCHMARKS.md bench-riscv
exit $status
