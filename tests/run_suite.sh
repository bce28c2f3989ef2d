#!/bin/sh
# Runs every built test program and the library-level checks, then prints one
# total line "N passed, N failed" (the last line of `make test`).
# usage: tests/run_suite.sh BUILD_DIR [DIR:QEMU_MACHINE ...] [-- DIR/PROG:QEMU_MACHINE ...]
#   each DIR:MACHINE runs BUILD_DIR/DIR/PROG.elf for each PROG of TEST_PROGS
#   (the test runner's parts, tests/check.h) and digits.elf on that QEMU
#   machine; DIR is a board and compiler (m4 = gcc, m4-clang = clang; the
#   RISC-V boards, gcc only: rv32imac, rv32imafc, sifive_e). After
#   --, more board programs: BUILD_DIR/DIR/PROG.elf on MACHINE (the painted
#   stack, m0/stack:microbit), each ending with its "N passed, N failed".
#   Without boards (make test-host) only the host builds run, and nothing
#   here calls a cross tool or QEMU.
# Environment: STACK_BOUND and STACK_BOUND_QUANT, the documented worst-case
# stack of inference and of the model quantizers (Makefile; README.md must
# state the first); MAKE, the make that builds the link-overflow probe;
# TEST_PROGS, the board test programs (Makefile; default test test-dec test-bad test-forms test-blob).
B=${1:-build}
[ $# -gt 0 ] && shift
boards="" progs=""
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; progs="$*"; break; fi
    boards="$boards $1"; shift
done
# shellcheck disable=SC2086
set -- $boards
passed=0
failed=0

count() { # name exit-status [summary-line]
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); r=ok; else failed=$((failed + 1)); r=FAIL; fi
    printf '%-4s %s\n' "$r" "$1"
}

# run NAME COMMAND...: one test runner; its own counts join the total, and a
# crash, hang or missing result line counts as one more failure.
run() {
    name=$1; shift
    out=$("$@" 2>&1); rc=$?
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ "$name" = host-gcc ] || [ "${name#digits}" != "$name" ] || [ "${name#g2p}" != "$name" ] ||
        [ $rc -ne 0 ] || [ -z "$line" ]; then
        printf '%s\n' "$out"
    else # the boards' left-out lists and the stack's worst cases are worth seeing too
        printf '%s\n' "$out" | grep -E '^  left out:|^[1-9][0-9]* left out|^stack worst' || true
    fi
    printf '== %s: %s\n' "$name" "${line:-no result line (exit $rc)}"
    if [ -n "$line" ]; then
        passed=$((passed + ${line%% passed*}))
        f=${line#*, }; failed=$((failed + ${f%% failed*}))
    fi
    [ $rc -eq 0 ] && [ -n "$line" ] || failed=$((failed + 1))
    tag=$(printf '%s' "$name" | tr ' ' '_')
    printf '%s\n' "$out" | grep -E '^checksum [a-z0-9-]+: [0-9]+ bytes, FNV-1a [0-9a-f]+$' |
        sed "s|^checksum \([^:]*\): \([0-9]*\) bytes, FNV-1a \(.*\)\$|\1 \2 \3 $tag|" >> "$hashes"
}
hashes=$(mktemp)
trap 'rm -f "$hashes"' EXIT
# the QEMU runner of a machine: ports/riscv/run.sh for the RISC-V boards'
# (virt-rv32imac, virt-rv32imafc, sifive_e), ports/cortex-m/run.sh otherwise
runner() {
    case $1 in virt-*|sifive_e) echo ports/riscv/run.sh ;; *) echo ports/cortex-m/run.sh ;; esac
}

for t in gcc clang asan cxx m32; do run "host-$t" timeout 300 "./$B/test-$t"; done
# The fuzz targets' committed corpus (tests/fuzz/corpus/<target>/) replayed
# without libFuzzer under ASan + UBSan, 64-bit and 32-bit: one pass per input.
for d in tests/fuzz/corpus/*/; do
    t=$(basename "$d")
    for bits in 64 32; do run "fuzz-$t-$bits" timeout 300 "./$B/fuzz/replay$bits-$t" "$d"; done
done
# each board's test runner: a program per part (encoder side, decoder side,
# bad input), each with its own "N passed, N failed"
for pair in "$@"; do
    for p in ${TEST_PROGS:-test test-dec test-bad test-forms test-blob}; do
        run "${pair%%:*} $p (${pair#*:})" sh "$(runner "${pair#*:}")" "${pair#*:}" "$B/${pair%%:*}/$p.elf" 600
    done
done
# The painted-stack program (bench/stack_mcu.c): on the host (ASan + UBSan)
# every call it measures on the boards must be valid and return ATTN_OK;
# on the boards each public function must stay within the documented bound.
run "stack-host" timeout 120 "./$B/stack-host"
stack_out=$out
for pair in $progs; do
    name="${pair%%:*} (${pair#*:})"
    run "$name" sh ports/cortex-m/run.sh "${pair#*:}" "$B/${pair%%:*}.elf" 600
    # within the documented bounds
    w=$(printf '%s\n' "$out" | sed -n 's/^stack worst inference: attn_[a-z0-9_]* \([0-9]*\) bytes$/\1/p')
    q=$(printf '%s\n' "$out" | sed -n 's/^stack worst quantizer: attn_[a-z0-9_]* \([0-9]*\) bytes$/\1/p')
    [ -n "$w" ] && [ -n "$q" ] && [ "$w" -le "${STACK_BOUND:-0}" ] && [ "$q" -le "${STACK_BOUND_QUANT:-0}" ]
    count "$name: stack within the documented bounds (inference ${w:-?} <= ${STACK_BOUND:-unset} B, model quantizers ${q:-?} <= ${STACK_BOUND_QUANT:-unset} B)" $?
done
# it measures every public function of attention.h
public=$(sed -n 's/^ATTN_DEF [^(]*[ *]\(attn_[a-z0-9_]*\)(.*/\1/p' attention.h | sort -u)
measured=$(printf '%s\n' "$stack_out" | sed -n 's/^stack \(attn_[a-z0-9_]*\): .*/\1/p' | sort -u)
unmeasured=$(printf '%s\n' "$public" | grep -vxF "$measured" | tr '\n' ' ')
[ -n "$public" ] && [ -z "$unmeasured" ]
count "stack: every public function ($(printf '%s\n' "$public" | wc -l | tr -d ' ')) is measured (${unmeasured:-none left out})" $?
# README states the bounds the boards are held to (1204 written 1,204)
if [ -n "${STACK_BOUND:-}" ] && [ -n "${STACK_BOUND_QUANT:-}" ]; then
    qb=$(printf '%s\n' "$STACK_BOUND_QUANT" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta')
    grep -q "at most $STACK_BOUND bytes" README.md && grep -q "quantizers at most $qb " README.md
    count "README.md states the stack bounds make test enforces ($STACK_BOUND bytes, quantizers $qb)" $?
fi
# make help lists every .PHONY target and nothing else
sh tools/make_help.sh --check Makefile; count "make help lists every .PHONY target, and only those" $?
# tools/export.py's encoder-decoder / decoder-only export (tests/export, run
# by make into build/export/log: PyTorch against the C headers, refusals)
run "export (tests/export)" cat "$B/export/log"
# its model blobs (tools/export.py's export_blob; build/export/blob.log)
run "export blob (tests/export/test_blob_export.py)" cat "$B/export/blob.log"
# The digits classifiers (examples/digits: the rows model and the ViT): float
# == PyTorch on every image, int8 close to float; on the host and on every board.
run "digits-host" timeout 300 "./$B/digits"
# The model headers as firmware uses them (tests/model_headers): included by
# two files (C and C++), defined once; the int8 one alone in an ATTN_NO_FLOAT
# build (its logits' checksum is compared with the digits builds' below).
run "model headers" timeout 300 sh tests/model_headers/check.sh "$B"
# The build systems (tests/cmake, tests/manifests): CMake's three routes on
# the host and, with the boards (make test), for the Cortex-M4 under QEMU;
# the PlatformIO, Arduino, Zephyr and ESP-IDF manifests and the sketch.
cm=""; [ $# -gt 0 ] && cm="m4"
run "cmake (tests/cmake${cm:+, host and $cm})" timeout 600 sh tests/cmake/check.sh "$B" $cm
run "manifests (tests/manifests)" timeout 300 "${PYTHON:-/usr/bin/python3}" tests/manifests/check.py "$B"
for pair in "$@"; do
    run "digits-${pair%%:*}" sh "$(runner "${pair#*:}")" "${pair#*:}" "$B/${pair%%:*}/digits.elf" 600
done
# The grapheme-to-phoneme encoder-decoder (examples/g2p): greedy decoding
# with the KV cache, float == PyTorch on every held-out word, int8 close
# to float (the micro:bit: int8 only), the int8 outputs' checksum the same
# everywhere.
run "g2p-host" timeout 300 "./$B/g2p"
for pair in "$@"; do
    run "g2p-${pair%%:*}" sh "$(runner "${pair#*:}")" "${pair#*:}" "$B/${pair%%:*}/g2p.elf" 600
done

# Every checksum line ("checksum LABEL: N bytes, FNV-1a H") must agree across
# the builds that printed it for the same N bytes: the int8 kernels and the
# int8 digits model make the same bytes on the host and on every core.
# ($hashes: one line "LABEL N HASH BUILD" per checksum printed)
for key in $(awk '{print $1 "/" $2}' "$hashes" | sort -u); do
    label=${key%/*} n=${key#*/}
    rows=$(awk -v l="$label" -v n="$n" '$1 == l && $2 == n' "$hashes")
    k=$(printf '%s\n' "$rows" | wc -l)
    who=$(printf '%s\n' "$rows" | awk '{print $4}' | tr '\n' ',' | sed 's/,$//; s/,/, /g')
    if [ "$k" -lt 2 ]; then # nothing to compare with (a board that leaves cases out)
        echo "info $label of $who: $n bytes, its own subset of cases"
        continue
    fi
    h=$(printf '%s\n' "$rows" | awk '{print $3}' | sort -u | wc -l)
    [ "$h" -eq 1 ]; count "$label bit-identical across $k builds ($n bytes: $who)" $?
done

# The library calls no allocator, printer or exit.
bad=$(nm -u "$B/impl.o" | grep -E ' (malloc|calloc|realloc|free|printf|fprintf|puts|putchar|exit|abort)$')
[ -z "$bad" ]; count "nm: the library references no malloc/free/printf/exit (${bad:-none found})" $?
# It defines nothing outside the attn_ prefix.
leak=$(nm -g --defined-only "$B/impl.o" | awk '{print $3}' | grep -v '^attn_')
[ -z "$leak" ]; count "nm: every exported symbol starts with attn_ (${leak:-none other})" $?
# ATTN_STATIC exports nothing.
exp=$(nm -g --defined-only "$B/impl-static.o" | awk '{print $3}')
[ -z "$exp" ]; count "ATTN_STATIC: no exported symbols" $?
# ATTN_NO_FLOAT leaves no float code and needs no libm.
fl=$(nm -u "$B/impl-nofloat.o" | grep -E ' (expf|sqrtf|erff|tanhf|sin|cos|exp)$')
[ -z "$fl" ]; count "ATTN_NO_FLOAT: no libm references" $?
# ATTN_NO_FLOAT / ATTN_NO_INT8 leave out the other path entirely.
fx=$(nm -g --defined-only "$B/impl-nofloat.o" | awk '{print $3}' | grep -E '_f32$|^attn_(quantize|dequantize|choose)')
[ -z "$fx" ]; count "ATTN_NO_FLOAT: no float function or quantizer (${fx:-none})" $?
sx=$(nm -g --defined-only "$B/impl-noint8.o" | awk '{print $3}' | grep -E '_s8$|quantize|requantize')
[ -z "$sx" ]; count "ATTN_NO_INT8: no int8 function or quantizer (${sx:-none})" $?
# The committed int8 digits model is what the quantizer makes today.
cmp -s "$B/qm-digits/digits_model_s8.h" examples/digits/digits_model_s8.h
count "examples/digits/digits_model_s8.h is what tools/quantize_model.c makes now (make digits-s8)" $?
cmp -s "$B/qm-digits-vit/digits_vit_model_s8.h" examples/digits/digits_vit_model_s8.h
count "examples/digits/digits_vit_model_s8.h is what tools/quantize_model.c makes now (make digits-vit-s8)" $?
cmp -s "$B/qs-g2p/g2p_model_s8.h" examples/g2p/g2p_model_s8.h
count "examples/g2p/g2p_model_s8.h is what tools/quantize_seq2seq.c makes now (make g2p-s8)" $?
# Every public function of attention.h has bad-input rows (the engine's tables).
sh tests/bad_input_coverage.sh attention.h "./$B/test-gcc"
count "bad input: every public function of attention.h has rows (tests/bad_input_coverage.sh)" $?
# The minimal example runs.
timeout 30 "./$B/minimal" >/dev/null 2>&1; count "examples/minimal runs and exits 0" $?
timeout 60 "./$B/demo" >/dev/null 2>&1; count "examples/demo runs and exits 0" $?
# static analysis (make lint, which make test runs first): zero findings
if [ $# -gt 0 ]; then
    summary=$(cat "$B/lint/summary" 2>/dev/null)
    case $summary in
    "lint: 0 findings "*) r=0 ;;
    *) r=1; cat "$B/lint/findings" 2>/dev/null ;;
    esac
    count "${summary:-lint: no $B/lint/summary (make lint)}" $r
fi
# a board image over its RAM must not link (issue 9: it used to lock QEMU up)
if [ $# -gt 0 ]; then
    sh tests/link_overflow.sh "$B"; count "link: a .bss over the board's RAM fails to link, naming the region" $?
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
