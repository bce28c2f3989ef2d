#!/bin/sh
# run.sh - `make fuzz`: each libFuzzer target for SECONDS, one after another
# (nice, one process), starting from the committed corpus; then the corpus
# and the new inputs merged (-merge=1 -use_counters=0: the fewest inputs
# that keep every coverage edge) back into tests/fuzz/corpus/<target>/.
# Writes a table of executions per target to BUILD/summary.md and into
# BENCHMARKS.md (section "fuzz"). A finding stops the run: its input is
# left in BUILD/findings/ and the script exits 1.
# Inputs named fuzz-found-* (reproducers of findings) are kept as they are.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
set -u
B=$1 secs=$2
shift 2
mkdir -p "$B/findings"
# (the blob target's inputs are model blobs: its tiny ones are up to 4.7 KB)
flags_of() { case $1 in blob) echo "-max_len=8192 $rest" ;; *) echo "-max_len=1024 $rest" ;; esac; }
rest="-rss_limit_mb=1024 -timeout=20 -print_final_stats=1"
flags="-max_len=1024 (blob: 8192) $rest"
rows=""
total=0
for t in "$@"; do
    corpus=tests/fuzz/corpus/$t work=$B/work/$t min=$B/min/$t log=$B/$t.log
    mkdir -p "$corpus" "$work"
    rm -rf "$min"
    mkdir -p "$min"
    echo "fuzz $t: $secs s"
    start=$(date +%s)
    # shellcheck disable=SC2046
    nice "./$B/fuzz-$t" $(flags_of "$t") -max_total_time="$secs" -artifact_prefix="$B/findings/$t-" \
        "$work" "$corpus" > "$log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    if [ $rc -ne 0 ]; then
        tail -n 40 "$log"
        echo "fuzz $t: FINDING (exit $rc), input in $B/findings/ (replay: $B/replay64-$t FILE)"
        exit 1
    fi
    nice "./$B/fuzz-$t" -merge=1 -use_counters=0 "$min" "$corpus" "$work" > "$B/$t.merge.log" 2>&1 || {
        tail -n 20 "$B/$t.merge.log"
        echo "fuzz $t: merge failed"
        exit 1
    }
    # the inputs named fuzz-found-* (what a finding was reduced to) stay as
    # they are; the rest of the corpus becomes the merged set
    for f in "$corpus"/fuzz-found-*; do
        [ -f "$f" ] || continue
        for g in "$min"/*; do cmp -s "$f" "$g" && rm -f "$g"; done
    done
    find "$corpus" -maxdepth 1 -type f ! -name 'fuzz-found-*' -exec rm -f {} +
    cp "$min"/* "$corpus"/ 2>/dev/null
    n=$(ls "$corpus" | wc -l)
    echo "fuzz $t: ${execs:-?} executions in $((end - start)) s (${rate:-?}/s), corpus $n inputs"
    rows="$rows| $t | ${execs:-?} | $((end - start)) | ${rate:-?} | $n |
"
    total=$((total + ${execs:-0}))
done
ver=$(${CLANG:-clang} --version | head -n 1)
{
    echo "Fuzzing (\`make fuzz FUZZ_SECONDS=$secs\`, one target after another under \`nice\`):"
    echo "libFuzzer of $ver, targets built with"
    echo "\`-O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all\`, run with"
    echo "\`$flags -max_total_time=$secs\` from the committed corpus, on $(nproc 2>/dev/null || echo ?) CPUs"
    echo "shared with other work (rates vary with the load). No finding. The corpus kept"
    echo "is the merge (\`-merge=1 -use_counters=0\`) that keeps every coverage edge."
    echo
    echo "| target | executions | seconds | per second | corpus kept |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s' "$rows"
    echo "| total | $total | | | |"
} > "$B/summary.md"
cat "$B/summary.md"
sh tools/md_section.sh BENCHMARKS.md fuzz < "$B/summary.md"
