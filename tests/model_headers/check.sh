#!/bin/sh
# tests/model_headers/check.sh BUILD_DIR - the generated model headers in
# real firmware shapes (run by tests/run_suite.sh; HOST_CC, HOST_CXX, WARN):
#   once_a.c + once_b.c (C++98): two files include the digits headers, one
#     defines them: the arrays are defined in once_a.o only (nm: once_b.o
#     references them undefined), the program links, and once_a runs its
#     checks (one copy, the same logits from both files);
#   nofloat_a.c + nofloat_b.c (C++98), ATTN_NO_FLOAT: the int8 header alone;
#     no float symbol of the model exists, and the int8 logits' checksum
#     joins the digits builds' (tests/run_suite.sh compares them).
# Ends with "N passed, N failed" (its own checks, then the programs').
set -u
B=${1:-build}/model_headers
CC=${HOST_CC:-gcc} CXX=${HOST_CXX:-g++}
W=${WARN:--Wall -Wextra -Werror}
D=tests/model_headers
inc="-I. -Iexamples/digits -I$D"
mkdir -p "$B"
pass=0 fail=0
ck() { # what status
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
# shellcheck disable=SC2086
build() { # out: compile the two files and link
    $CC -std=c99 $W -O1 $inc -c "$D/$1_a.c" -o "$B/$1_a.o" &&
        $CXX -std=c++98 -x c++ $(printf '%s\n' $W | grep -v -e '-Wstrict-prototypes' -e '-std=' | tr '\n' ' ') \
            -O1 $inc -c "$D/$1_b.c" -o "$B/$1_b.o" &&
        $CXX "$B/$1_a.o" "$B/$1_b.o" -lm -o "$B/$1"
}
build once; ck "two files include the model headers (C and C++98): they compile and link" $?
nm "$B/once_a.o" 2>/dev/null | grep -q ' [RrDd] digits_embed_w$' &&
    nm "$B/once_b.o" 2>/dev/null | grep -q ' U digits_embed_w$' &&
    nm "$B/once_b.o" 2>/dev/null | grep -q ' U digits_s8_l0_q_w$' &&
    ! nm "$B/once_b.o" 2>/dev/null | grep -q ' [RrDd] digits_'
ck "the arrays are defined once: in the file with the _IMPLEMENTATION macros (nm)" $?
build nofloat; ck "an ATTN_NO_FLOAT build includes the int8 header without the float one" $?
! nm "$B/nofloat" 2>/dev/null | grep -qE ' digits_(embed_w|weights|cfg)$|attn_[a-z_0-9]*_f32$'
ck "the int8-only program has no float model and no _f32 function (nm)" $?
out=$( "$B/once" 2>&1; "$B/nofloat" 2>&1 )
printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
p=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | awk '{s += $1} END {print s + 0}')
f=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | awk '{s += $1} END {print s + 0}')
n=$(printf '%s\n' "$out" | grep -cE '^[0-9]+ passed, [0-9]+ failed$')
[ "$n" -eq 2 ]; ck "both programs ran to their result line" $?
echo "$((pass + p)) passed, $((fail + f)) failed"
