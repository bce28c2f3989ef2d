#!/bin/sh
# bench_report.sh BUILD_DIR ANCHOR_CSV [-c COMPILER:COMMAND]... DIR:BOARD:COMPILER:MACHINE...
#
# Runs BUILD_DIR/DIR/bench.elf (bench/bench_mcu.c built for one board by one
# compiler) on its QEMU machine twice under -icount shift=10,sleep=off and
# checks that the two runs print the same counts. Then writes
#   BUILD_DIR/bench/results.csv   board,compiler,benchmark,instructions,
#                                 per_mac_or_element,arena_bytes: one line
#                                 per board x compiler x benchmark (empty
#                                 numbers where a benchmark did not run)
#   BUILD_DIR/bench/DIR.txt       what each build printed
# and two tables into BENCHMARKS.md (tools/md_section.sh): "bench", a column
# per board and compiler; "cmsis", each row that ANCHOR_CSV (bench/
# cmsis_anchor.csv) has a CMSIS figure for, beside it, with the ratio.
# -c names the command of a compiler, for its version in the text
# (e.g. -c gcc:arm-none-eabi-gcc -c clang:clang).
# Exit status 1 if a rerun differed or a benchmark printed an error (the
# tables are still written, and say so).
set -eu
B=$1 anchors=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/compilers"
while [ $# -gt 0 ] && [ "$1" = -c ]; do
    name=${2%%:*} cmd=${2#*:}
    ver=$($cmd -dumpversion 2>/dev/null || echo '?')
    printf '%s\t%s %s\n' "$name" "${cmd%% *}" "$ver" >> "$tmp/compilers"
    shift 2
done
[ -f "$anchors" ] || { echo "bench: no anchor file $anchors" >&2; exit 1; }
out=$B/bench
mkdir -p "$out"
status=0

# ---- run every build twice -------------------------------------------------
# $tmp/rows: board TAB compiler TAB benchmark TAB instructions TAB per TAB unit
#            TAB arena TAB note (note: why a benchmark did not run)
: > "$tmp/rows"
: > "$tmp/builds"
for spec in "$@"; do
    dir=${spec%%:*} rest=${spec#*:}
    board=${rest%%:*} rest=${rest#*:}
    compiler=${rest%%:*} machine=${rest#*:}
    for run in 1 2; do
        sh ports/cortex-m/run.sh "$machine" "$B/$dir/bench.elf" 600 -icount shift=10,sleep=off \
            > "$tmp/$dir.$run" || {
            echo "bench: $dir run $run failed" >&2; cat "$tmp/$dir.$run" >&2; exit 1; }
    done
    if cmp -s "$tmp/$dir.1" "$tmp/$dir.2"; then same=identical; else same=DIFFERENT; status=1; fi
    cp "$tmp/$dir.1" "$out/$dir.txt"
    echo "$board $compiler ($machine): $(head -n 1 "$tmp/$dir.1" | sed 's/^bench: //'); rerun $same"
    printf '%s\t%s\t%s\t%s\n' "$board" "$compiler" "$machine" "$same" >> "$tmp/builds"
    # "| name | instructions | X.YZ per UNIT | arena |" or "| name | why not | | |"
    awk -F'|' -v board="$board" -v compiler="$compiler" '
        function trim(s) { gsub(/^ +| +$/, "", s); return s }
        /^\| / && NF >= 6 {
            name = trim($2); n = trim($3); per = trim($4); arena = trim($5)
            if (n ~ /^[0-9]+$/) {
                split(per, p, " "); unit = per; sub(/^[^ ]+ /, "", unit)
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", board, compiler, name, n, p[1], unit, arena
            } else printf "%s\t%s\t%s\t\t\t\t\t%s\n", board, compiler, name, n
        }' "$tmp/$dir.1" >> "$tmp/rows"
done
if grep -q "	error" "$tmp/rows"; then
    echo "bench: a benchmark printed an error:" >&2
    grep "	error" "$tmp/rows" >&2
    status=1
fi

# ---- the CSV -------------------------------------------------------------------
awk -F'\t' '
    function q(s) { if (s ~ /[",]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" } return s }
    BEGIN { print "board,compiler,benchmark,instructions,per_mac_or_element,arena_bytes" }
    { print q($1) "," q($2) "," q($3) "," $4 "," $5 "," $7 }' "$tmp/rows" > "$out/results.csv"
echo "bench: wrote $out/results.csv ($(($(wc -l < "$out/results.csv") - 1)) rows)"

# ---- table 1: a column per board and compiler ---------------------------------
awk -F'\t' -v builds="$tmp/builds" '
    BEGIN {
        while ((getline l < builds) > 0) { split(l, f, "\t"); nb++; bb[nb] = f[1]; bc[nb] = f[2] }
    }
    {
        if (!($3 in seen)) { seen[$3] = 1; names[++nn] = $3 }
        k = $1 SUBSEP $2 SUBSEP $3
        cell[k] = $4 != "" ? $4 " (" $5 ")" : $8
        if ($7 != "" && index(" " arenas[$3] " / ", " " $7 " / ") == 0)
            arenas[$3] = arenas[$3] == "" ? $7 : arenas[$3] " / " $7
    }
    END {
        printf "| benchmark |"
        for (i = 1; i <= nb; i++) printf " %s %s |", bb[i], bc[i]
        printf " arena bytes |\n|---|"
        for (i = 1; i <= nb; i++) printf "---:|"
        printf "---:|\n"
        for (j = 1; j <= nn; j++) {
            printf "| %s |", names[j]
            for (i = 1; i <= nb; i++) {
                k = bb[i] SUBSEP bc[i] SUBSEP names[j]
                printf " %s |", (k in cell) ? cell[k] : "not in this build"
            }
            printf " %s |\n", arenas[names[j]]
        }
    }' "$tmp/rows" > "$tmp/table"
cat "$tmp/table"
{
    echo "Instructions per call, counted under \`qemu-system-arm -icount shift=10,sleep=off\`"
    echo "(in brackets: per MAC, or per element for softmax and layer norm), every board"
    echo "built by each compiler:"
    while IFS='	' read -r name what; do
        case $name in
            gcc) echo "gcc = \`$what -O2\`;" ;;
            clang) echo "clang = \`$what --target=arm-none-eabi -O2\`, linked by arm-none-eabi-gcc with newlib;" ;;
            *) echo "$name = \`$what\`;" ;;
        esac
    done < "$tmp/compilers"
    echo "boards: $(awk -F'\t' '!s[$1]++ {printf "%s%s `%s`", sep, $1, $3; sep=", "}' "$tmp/builds")."
    if [ "$status" -eq 0 ]; then
        echo "Every build ran the benchmark twice: counts identical on rerun ($(wc -l < "$tmp/builds" | tr -d ' ') builds)."
    else
        echo "Every build ran the benchmark twice; NOT ALL COUNTS REPEATED OR RAN:"
        echo "$(awk -F'\t' '{printf "%s%s %s %s", sep, $1, $2, $4; sep=", "}' "$tmp/builds")."
    fi
    echo "The same numbers as data: \`build/bench/results.csv\`. Regenerate with \`make bench\`."
    echo
    cat "$tmp/table"
} | sh tools/md_section.sh BENCHMARKS.md bench

# ---- table 2: beside CMSIS-NN / CMSIS-DSP ----------------------------------------
# the anchor CSV (comment lines start with #; fields may be quoted) as
# board TAB compiler TAB benchmark TAB cmsis TAB instructions TAB per
awk '
    function csv(line, f,    n, i, c, qt, cur) {
        n = 0; cur = ""; qt = 0
        for (i = 1; i <= length(line); i++) {
            c = substr(line, i, 1)
            if (qt) {
                if (c != "\"") cur = cur c
                else if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
                else qt = 0
            } else if (c == "\"") qt = 1
            else if (c == ",") { f[++n] = cur; cur = "" }
            else cur = cur c
        }
        f[++n] = cur
        return n
    }
    /^#/ || /^[ \t]*$/ { next }
    !header++ { next }
    { n = csv($0, f); if (n != 6) { print "bad anchor line: " $0 > "/dev/stderr"; exit 1 }
      printf "%s\t%s\t%s\t%s\t%s\t%s\n", f[3], f[4], f[1], f[2], f[5], f[6] }' "$anchors" > "$tmp/anchors"
# the first comment paragraph of the anchor file: what the figures are
awk '/^#$/ { exit } /^# / { sub(/^# /, ""); print }' "$anchors" > "$tmp/cite"

awk -F'\t' -v rows="$tmp/rows" -v builds="$tmp/builds" '
    function cell(n, per) { return n == "" ? "—" : per == "" ? n : n " (" per ")" }
    function ratio(a, b) { return (a == "" || b == "") ? "—" : sprintf("%.2f", a / b) }
    BEGIN {
        while ((getline l < rows) > 0) {
            split(l, f, "\t")
            if (f[4] != "") { ours[f[1], f[2], f[3]] = f[4]; oper[f[1], f[2], f[3]] = f[5] }
            else why[f[1], f[2], f[3]] = f[8]
            have[f[1], f[3]] = 1
        }
        while ((getline l < builds) > 0) { split(l, f, "\t"); machine[f[1]] = f[3] }
    }
    {
        b = $1
        if (!(b in nrow)) boards[++nboard] = b
        k = $3 SUBSEP $4
        if (!((b, k) in isrow)) { isrow[b, k] = 1; row[b, ++nrow[b]] = k }
        cm[b, k, $2] = $5; cper[b, k, $2] = $6
    }
    END {
        for (i = 1; i <= nboard; i++) {
            b = boards[i]
            if (!(b in machine)) printf "bench: no build of %s in this run: its CMSIS rows stand alone\n", b > "/dev/stderr"
            printf "%s**%s** (`%s`):\n\n", (i > 1 ? "\n" : ""), b, (b in machine) ? machine[b] : "not run"
            print "| benchmark | CMSIS measured | ours gcc | ours clang | CMSIS gcc | CMSIS clang | best / best | gcc / gcc | clang / clang |"
            print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
            for (j = 1; j <= nrow[b]; j++) {
                k = row[b, j]; split(k, nk, SUBSEP); name = nk[1]
                if ((b in machine) && !((b, name) in have))
                    printf "bench: anchor row \"%s\" on %s: no such benchmark in this run\n", name, b > "/dev/stderr"
                og = ours[b, "gcc", name]; oc = ours[b, "clang", name]
                cg = cm[b, k, "gcc"]; cc = cm[b, k, "clang"]
                # the fewer instructions of each side, and which compiler made them
                ob = og; obn = "gcc"; if (oc != "" && (ob == "" || oc + 0 < ob + 0)) { ob = oc; obn = "clang" }
                cb = cg; cbn = "gcc"; if (cc != "" && (cb == "" || cc + 0 < cb + 0)) { cb = cc; cbn = "clang" }
                best = ratio(ob, cb); if (best != "—") best = best " (" obn " / " cbn ")"
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, nk[2],
                       og != "" ? cell(og, oper[b, "gcc", name]) : ((b, "gcc", name) in why) ? why[b, "gcc", name] : "—",
                       oc != "" ? cell(oc, oper[b, "clang", name]) : ((b, "clang", name) in why) ? why[b, "clang", name] : "—",
                       cell(cg, cper[b, k, "gcc"]), cell(cc, cper[b, k, "clang"]),
                       best, ratio(og, cg), ratio(oc, cc)
            }
        }
    }' "$tmp/anchors" > "$tmp/cmsis"
cat "$tmp/cmsis"
{
    cat "$tmp/cite"
    echo
    echo "Ratio = attention.h's instructions / CMSIS's for the same call (below 1:"
    echo "attention.h needs fewer). best / best: the fewer of our gcc and clang counts"
    echo "against the fewer of CMSIS's (in brackets, which compiler made each); gcc / gcc"
    echo "and clang / clang: the same compiler on both sides, where the anchor has that"
    echo "compiler. Ours: this \`make bench\` run (\`build/bench/results.csv\`); CMSIS's:"
    echo "\`bench/cmsis_anchor.csv\`. Regenerate with \`make bench\`."
    echo
    cat "$tmp/cmsis"
} | sh tools/md_section.sh BENCHMARKS.md cmsis
[ "$status" -eq 0 ] || echo "bench: FAILED (a rerun differed or a benchmark printed an error)" >&2
exit $status
