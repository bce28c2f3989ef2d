#!/bin/sh
# lint.sh OUT BOARD:CPU_FLAGS... - static analysis of attention.h and the C
# files beside it (make lint). Writes OUT/<tool>.<config>.log (a tool's
# output) and .found (its findings, one per line), then OUT/summary:
# "lint: N findings (...)", N counting distinct findings over all runs.
# Exits 0 when the analyses ran, findings or not (make lint and make test
# judge the summary); 2 when a tool is missing.
#
# The implementation is analysed as a C file: attention.h itself, compiled
# as C with ATTN_IMPLEMENTATION (clang's analyzer skips the functions of an
# included header: through tests/impl.c it would analyse none of them), in
# each configuration that selects different code:
#   cppcheck     portable C99 (no compiler's macros), ATTN_NO_FLOAT,
#                ATTN_NO_INT8, GCC on the host (64- and 32-bit), and every
#                BOARD with the macros the cross GCC predefines for it, at
#                -O2 and -Os (the DSP and Helium paths, their inline
#                assembly, what -Os leaves out), and clang's for M4 and M55
#   clang-tidy   (.clang-tidy) the host and clang --target=arm-none-eabi for
#                the TIDY_BOARDS, at -O2 (ATTN_NO_FLOAT and ATTN_NO_INT8
#                only leave out whole blocks of the same code)
#   gcc -fanalyzer  the host, and arm-none-eabi-gcc for the TIDY_BOARDS
#   -Wconversion -Wsign-conversion  the header by host gcc, clang,
#                g++ -std=c++98 and gcc -m32 (when it can build; the board
#                builds have them in the Makefile)
# then examples/, tools/quantize_model.c, bench/ and ports/cortex-m/ by
# cppcheck and clang-tidy: their own code (cppcheck with ATTN_IMPLEMENTATION
# undefined, clang-tidy not reporting in the header: the header's findings
# are the runs above; bench_mcu.c with -DBENCH_LINT, its short tables).
# Environment: CPPCHECK, CLANG_TIDY, HOST_CC, CLANG, HOST_CXX, CROSS_CC,
# NEWLIB_INC, QM_INC (where quantize_model's generated quant_input.h is),
# TIDY_BOARDS (default "m0 m4 m55"), LINT_JOBS (default: the CPUs),
# LINT_ONLY (a shell pattern: only the analyses it matches, e.g. 'cppcheck.*').
set -u
# a finding: file:line:col: kind: text (GCC's and clang's diagnostics and
# cppcheck's with the template below); notes and "In function" are context
FIND='^[^ :][^:]*:[0-9]+:[0-9]+: (warning|error|fatal error|style|performance|portability|information):'

# lint.sh --job OUT/jobs/NAME.sh: run one analysis, keep its output and
# findings; a tool that fails without a finding line counts as one
if [ "$1" = --job ]; then
    dir=$(dirname "$(dirname "$2")") name=$(basename "$2" .sh)
    sh "$2" > "$dir/$name.log" 2>&1
    rc=$?
    # its CPU seconds (user + system, children's line of times)
    times > "$dir/$name.time"
    tail -n 1 "$dir/$name.time" | tr 'ms' '  ' |
        awk '{ printf "%.1f\n", 60 * $1 + $2 + 60 * $3 + $4 }' > "$dir/$name.cpu"
    mv "$dir/$name.cpu" "$dir/$name.time"
    grep -E "$FIND" "$dir/$name.log" | sed 's|^\./||' > "$dir/$name.found"
    if [ "$rc" -ne 0 ] && [ ! -s "$dir/$name.found" ]; then
        echo "$name: exit status $rc and no finding line: $(tail -n 1 "$dir/$name.log")" > "$dir/$name.found"
    fi
    exit 0
fi

out=$1; shift
CPPCHECK=${CPPCHECK:-cppcheck} CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
HOST_CC=${HOST_CC:-gcc} CLANG=${CLANG:-clang} HOST_CXX=${HOST_CXX:-g++}
CROSS_CC=${CROSS_CC:-arm-none-eabi-gcc} NEWLIB_INC=${NEWLIB_INC:-/usr/lib/arm-none-eabi/include}
QM_INC=${QM_INC:-build/qm-digits} TIDY_BOARDS=${TIDY_BOARDS:-m0 m4 m55} LINT_ONLY=${LINT_ONLY:-*}
LINT_JOBS=${LINT_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
for t in "$CPPCHECK" "$CLANG_TIDY" "$HOST_CC" "$CLANG" "$HOST_CXX" "$CROSS_CC"; do
    command -v "$t" >/dev/null 2>&1 || { echo "lint: no $t (make lint-deps installs it)" >&2; exit 2; }
done
mkdir -p "$out/jobs"
rm -f "$out"/*.log "$out"/*.found "$out"/*.time "$out"/jobs/*.sh "$out/summary" "$out/findings"
here=$(pwd)

# job NAME COMMAND...: one analysis, written to OUT/jobs/NAME.sh
job() {
    jn=$1; shift
    # shellcheck disable=SC2254 # (a pattern, on purpose)
    case $jn in $LINT_ONLY) ;; *) return 0 ;; esac
    { printf "cd '%s' &&" "$here"; for a in "$@"; do printf " '%s'" "$a"; done; echo; } > "$out/jobs/$jn.sh"
}
# the macros attention.h tests that a compiler predefines (Arm features,
# GCC or clang, optimisation, the host), as -D options
macros() {
    "$@" -dM -E -x c /dev/null |
        sed -n 's/^#define \(__ARM_[A-Z0-9_]*\|__arm__\|__thumb2*__\|__GNUC__\|__clang__\|__OPTIMIZE__\|__OPTIMIZE_SIZE__\|__SOFTFP__\|__x86_64__\|__i386__\) \([0-9A-Za-z_]*\)$/-D\1=\2/p' |
        tr '\n' ' '
}
# clang's options for a board, as the Makefile builds it (-munaligned-access
# from the M3 on)
xclang() {
    case "$1" in *cortex-m0*) ua= ;; *) ua=-munaligned-access ;; esac
    echo "--target=arm-none-eabi -fshort-enums $ua $1 -isystem $NEWLIB_INC"
}
cpp() { # NAME FILE OPTIONS...: cppcheck of FILE
    cn=$1 cf=$2; shift 2
    job "cppcheck.$cn" "$CPPCHECK" --std=c99 --language=c --enable=warning,style,performance,portability \
        --inline-suppr --error-exitcode=1 --quiet --suppressions-list=tools/cppcheck.supp -I. \
        "--template={file}:{line}:{column}: {severity}: {message} [{id}]" "$@" "$cf"
}
tidy() { # NAME FILE HEADER_FILTER COMPILER_OPTIONS...: clang-tidy of FILE
    tn=$1 tf=$2 hf=$3; shift 3
    job "clang-tidy.$tn" "$CLANG_TIDY" --quiet ${hf:+"--header-filter=$hf"} "$tf" -- -x c -std=c99 -I. "$@"
}

# --- attention.h --------------------------------------------------------------
I=-DATTN_IMPLEMENTATION
cpp c99 attention.h $I
# (ATTN_NO_FLOAT and ATTN_NO_INT8 leave whole blocks out: what remains is
# analysed with the default. Only here are public struct members unread,
# the ones the other path reads: not a finding of these two.)
cpp c99-nofloat attention.h $I -DATTN_NO_FLOAT --suppress=unusedStructMember
cpp c99-noint8 attention.h $I -DATTN_NO_INT8 --suppress=unusedStructMember
# shellcheck disable=SC2046
cpp gnu attention.h $I --platform=unix64 $(macros "$HOST_CC" -O2)
# shellcheck disable=SC2046
cpp gnu-m32 attention.h $I --platform=unix32 $(macros "$HOST_CC" -m32 -O2)
tidy host attention.h "" $I -O2
job fanalyzer.host "$HOST_CC" -O2 -std=c99 -fanalyzer -Werror -x c $I -I. -c attention.h -o /dev/null
m4=""
for bf in "$@"; do
    b=${bf%%:*} f=${bf#*:}
    [ "$b" = m4 ] && m4=$f
    # shellcheck disable=SC2046,SC2086
    cpp "$b" attention.h $I --platform=unix32 $(macros "$CROSS_CC" $f -O2)
    # shellcheck disable=SC2046,SC2086
    cpp "$b-Os" attention.h $I --platform=unix32 $(macros "$CROSS_CC" $f -Os)
    case $b in m4|m55) # shellcheck disable=SC2046
        cpp "$b-clang" attention.h $I --platform=unix32 $(macros "$CLANG" $(xclang "$f") -O2) ;;
    esac
    case " $TIDY_BOARDS " in *" $b "*) ;; *) continue ;; esac
    # shellcheck disable=SC2046
    tidy "$b" attention.h "" $I -O2 $(xclang "$f")
    # shellcheck disable=SC2086
    job "fanalyzer.$b" "$CROSS_CC" $f -O2 -std=c99 -fanalyzer -Werror -x c $I -I. -c attention.h -o /dev/null
done
W="-std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wdouble-promotion -Wcast-align -Wundef"
W="$W -Wconversion -Wsign-conversion"
# shellcheck disable=SC2086
job conv.gcc "$HOST_CC" $W -O2 -I. -c tests/impl.c -o /dev/null
# shellcheck disable=SC2086
job conv.clang "$CLANG" $W -O2 -I. -c tests/impl.c -o /dev/null
job conv.cxx98 "$HOST_CXX" -std=c++98 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wcast-align -Wundef \
    -Wconversion -Wsign-conversion -O2 -I. -x c++ -c tests/impl.c -o /dev/null
if printf 'int main(void) { return 0; }\n' | "$HOST_CC" -m32 -x c - -o /dev/null 2>/dev/null; then
    # shellcheck disable=SC2086
    job conv.gcc-m32 "$HOST_CC" -m32 $W -O2 -I. -c tests/impl.c -o /dev/null
fi

# --- the other C files: their own code ---------------------------------------
inc="-Iexamples/digits -I$QM_INC"
for f in examples/minimal.c examples/demo.c examples/digits/digits.c tools/quantize_model.c \
         bench/bench_host.c; do
    n=$(basename "$f" .c)
    # shellcheck disable=SC2046,SC2086
    cpp "$n" "$f" $inc -UATTN_IMPLEMENTATION --platform=unix64 $(macros "$HOST_CC" -O2)
    # shellcheck disable=SC2086
    tidy "$n" "$f" "examples/" $inc -O2
done
if [ -n "$m4" ]; then
    d="-Iports/cortex-m -DPORT_COUNTER_FPGAIO=0x40028000u -DDIGITS_ON_BOARD -DDEMO_ON_BOARD -DBENCH_LINT"
    for f in ports/cortex-m/startup.c ports/cortex-m/port.c bench/bench_mcu.c bench/stack_mcu.c \
             examples/digits/digits.c examples/demo.c; do
        n=$(basename "$f" .c)-m4
        # shellcheck disable=SC2046,SC2086
        cpp "$n" "$f" --platform=unix32 $d $inc -UATTN_IMPLEMENTATION $(macros "$CROSS_CC" $m4 -O2)
        # shellcheck disable=SC2046,SC2086
        tidy "$n" "$f" "examples/|ports/" $d $inc -O2 $(xclang "$m4")
    done
fi

# --- every analysis, LINT_JOBS at a time; the summary -------------------------
set -- "$out"/jobs/*.sh
runs=$#
echo "lint: $runs analyses, $LINT_JOBS at a time (tools/lint.sh; output in $out/)"
printf '%s\n' "$@" | xargs -P "$LINT_JOBS" -n 1 sh "$0" --job
# the findings, each once (make lint prints them, with the runs they came from)
cat "$out"/*.found | sort -u > "$out/findings"
n=$(grep -c . "$out/findings" || true)
per=$(for j in "$@"; do basename "$j"; done | sed 's/\..*//' | sort | uniq -c |
    awk '{printf "%s%s %d", s, $2, $1; s = ", "}')
# (a LINT_ONLY run leaves no summary: make lint and make test then run all)
if [ "$LINT_ONLY" = '*' ]; then
    echo "lint: $n findings ($runs runs: $per)" > "$out/summary"
else
    echo "lint (LINT_ONLY=$LINT_ONLY, no summary written): $n findings ($runs runs: $per)"
fi
