#!/bin/sh
# tests/cmake/check.sh BUILD_DIR [m4] - attention.h through CMake, as a user
# gets it (run by tests/run_suite.sh; make test passes m4, make test-host not):
#   the package: the root CMakeLists.txt installed into BUILD_DIR/cmake/prefix
#     (with ATTN_NO_BLOB and ATTN_NO_FMA), its files checked (the header as
#     committed, LICENSE, attentionConfig.cmake and its version file, no path
#     into the source tree);
#   tests/cmake/consumer, for the host (HOST_CC, run) and, with m4, for a
#     Cortex-M4 (cmake/arm-none-eabi.cmake; run under QEMU by
#     ports/cortex-m/run.sh), each three ways: add_subdirectory (ATTN_ALIGN=32,
#     ATTN_NO_BLOB), FetchContent from a tarball of the package's files alone
#     (defaults), find_package from the prefix; each program checks that it
#     sees the options asked for and ends with its own "N passed, N failed";
#   with m4, cmake/arm-none-eabi.cmake for the other cores: tests/cmake/probe
#     (one object) for M0, M0+, M3, M7, M33, M55, and an unknown core refused;
#   refusals: find_package(attention 0.<minor+1>) and (<major+1>.0), and
#     ATTN_ALIGN=24, fail to configure.
# Ends with "N passed, N failed" (its own checks and the programs').
set -u
B=${1:-build}/cmake
cross=${2:-}
CMAKE=${CMAKE:-cmake}
top=$(pwd)
pass=0 fail=0 p=0 f=0
ck() { # what status
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
log() { # file command...: run, keeping the output; show it on failure
    l=$1; shift
    "$@" > "$l" 2>&1 || { tail -n 30 "$l"; return 1; }
}
tally() { # program output: add its result line to ours
    printf '%s\n' "$1"
    line=$(printf '%s\n' "$1" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    [ -n "$line" ]; ck "$2: ran to its result line" $?
    [ -n "$line" ] && { p=$((p + ${line%% passed*})); t=${line#*, }; f=$((f + ${t%% failed*})); }
}
rm -rf "$B"
mkdir -p "$B"
maj=$(sed -n 's/^#define ATTN_VERSION_MAJOR \([0-9]*\)$/\1/p' attention.h)
min=$(sed -n 's/^#define ATTN_VERSION_MINOR \([0-9]*\)$/\1/p' attention.h)
pat=$(sed -n 's/^#define ATTN_VERSION_PATCH \([0-9]*\)$/\1/p' attention.h)
v=$maj.$min.$pat
command -v "$CMAKE" >/dev/null 2>&1 ||
    { echo "FAIL no $CMAKE (make cmake-deps installs it)"; echo "0 passed, 1 failed"; exit 1; }

# the package's files alone, as FetchContent downloads them
mkdir -p "$B/dist/attention-$v"
cp -R attention.h CMakeLists.txt LICENSE cmake "$B/dist/attention-$v/"
(cd "$B/dist" && tar czf "attention-$v.tar.gz" "attention-$v")
ck "a tarball of attention.h, CMakeLists.txt, cmake/ and LICENSE" $?

# install into the build-local prefix
log "$B/install.log" "$CMAKE" -S . -B "$B/install-build" -DCMAKE_C_COMPILER="${HOST_CC:-gcc}" \
    -DCMAKE_INSTALL_PREFIX="$top/$B/prefix" -DATTN_NO_BLOB=ON -DATTN_NO_FMA=ON &&
    log "$B/install2.log" "$CMAKE" --install "$B/install-build"
ck "cmake -S . && cmake --install: into $B/prefix" $?
P=$B/prefix
cmp -s attention.h "$P/include/attention.h"; ck "installed: include/attention.h, the header as it is" $?
cmp -s LICENSE "$P/share/doc/attention/LICENSE"; ck "installed: share/doc/attention/LICENSE" $?
[ -f "$P/share/cmake/attention/attentionConfig.cmake" ] &&
    [ -f "$P/share/cmake/attention/attentionTargets.cmake" ] &&
    grep -q "set(PACKAGE_VERSION \"$v\")" "$P/share/cmake/attention/attentionConfigVersion.cmake"
ck "installed: attentionConfig.cmake, attentionTargets.cmake, attentionConfigVersion.cmake ($v, from attention.h)" $?
grep -q 'INTERFACE_COMPILE_DEFINITIONS "ATTN_NO_BLOB;ATTN_NO_FMA"' "$P/share/cmake/attention/attentionTargets.cmake"
ck "installed: the target carries the options it was configured with (ATTN_NO_BLOB;ATTN_NO_FMA)" $?
! grep -rqF "$top" "$P/share/cmake/attention"
ck "installed: the package names no path into the source tree (relocatable)" $?

# the consumer: NAME ROUTE EXPECT_OPTS [cmake arguments]
consume() {
    name=$1 route=$2 expect=$3; shift 3
    d=$B/$name
    log "$d.configure.log" "$CMAKE" -S tests/cmake/consumer -B "$d" -DROUTE="$route" \
        -DATTN_TOP="$top" -DATTN_URL="file://$top/$B/dist/attention-$v.tar.gz" \
        -DCMAKE_PREFIX_PATH="$top/$P" -DEXPECT_OPTS="$expect" "$@" &&
        log "$d.build.log" "$CMAKE" --build "$d"
}
routes="subdir fetch package"
# each route's options (the consumer's cmake arguments; package: those it
# was installed with, above) and what the program must see
route() { # ROUTE: sets o (arguments) and e (expected)
    case $1 in
    subdir)  o="-DATTN_ALIGN=32 -DATTN_NO_BLOB=ON" e="align=32 float=1 int8=1 blob=0 fma=1" ;;
    fetch)   o="" e="align=16 float=1 int8=1 blob=1 fma=1" ;;
    package) o="" e="align=16 float=1 int8=1 blob=0 fma=0" ;;
    esac
}
for r in $routes; do
    route "$r"
    # shellcheck disable=SC2086
    consume "host-$r" "$r" "$e" -DCMAKE_C_COMPILER="${HOST_CC:-gcc}" $o
    ck "host, $r: configures and builds" $?
    if [ -x "$B/host-$r/consumer" ]; then
        out=$(timeout 120 "$B/host-$r/consumer" 2>&1); rc=$?
        tally "$out" "host, $r"
        [ $rc -eq 0 ]; ck "host, $r: exits 0" $?
    fi
done
if [ "$cross" = m4 ]; then
    for r in $routes; do
        route "$r"
        # shellcheck disable=SC2086
        consume "m4-$r" "$r" "$e" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.cmake" \
            -DATTN_CPU=cortex-m4 -DATTN_ARM_SPECS=rdimon.specs -DBOARD_LD=mps2-an386 \
            -DBOARD_DEFS=PORT_COUNTER_FPGAIO=0x40028000u $o
        ck "cortex-m4, $r: configures and builds (cmake/arm-none-eabi.cmake)" $?
        elf=$B/m4-$r/consumer.elf
        if [ -f "$elf" ]; then
            arm-none-eabi-readelf -A "$elf" | grep -q 'Tag_CPU_name: "Cortex-M4"\|Tag_CPU_name: "7E-M"' &&
                arm-none-eabi-readelf -A "$elf" | grep -q 'Tag_ABI_VFP_args: VFP registers'
            ck "cortex-m4, $r: the ELF is ARMv7E-M (the M4's) with the hard-float ABI (readelf -A)" $?
            out=$(sh ports/cortex-m/run.sh mps2-an386 "$elf" 300 2>&1); rc=$?
            tally "$out" "cortex-m4, $r (QEMU mps2-an386)"
            [ $rc -eq 0 ]; ck "cortex-m4, $r: exits 0 under QEMU" $?
        fi
    done
fi

# the toolchain file for every other core: probe.c, one object, holds each
# ATTN_CPU to its architecture, float ABI, DSP and Helium
if [ "$cross" = m4 ]; then
    for c in m0:6:0:0:0 m0plus:6:0:0:0 m3:7:0:0:0 m7:7:1:1:0 m33:8:1:1:0 m55:8:1:1:1; do
        IFS=: read -r cpu arch hard dsp mve <<EOT
$c
EOT
        log "$B/probe-$cpu.log" "$CMAKE" -S tests/cmake/probe -B "$B/probe-$cpu" -DATTN_TOP="$top" \
            -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.cmake" -DATTN_CPU="cortex-$cpu" \
            "-DEXPECT_DEFS=EXPECT_ARCH=$arch;EXPECT_HARD=$hard;EXPECT_DSP=$dsp;EXPECT_MVE=$mve" &&
            log "$B/probe-$cpu.build.log" "$CMAKE" --build "$B/probe-$cpu"
        ck "cortex-$cpu: cmake/arm-none-eabi.cmake gives architecture v$arch, hard float $hard, DSP $dsp, Helium $mve (tests/cmake/probe)" $?
    done
    ! "$CMAKE" -S tests/cmake/probe -B "$B/probe-a53" -DATTN_TOP="$top" \
        -DCMAKE_TOOLCHAIN_FILE="$top/cmake/arm-none-eabi.cmake" -DATTN_CPU=cortex-a53 \
        > "$B/probe-a53.log" 2>&1 && grep -q 'ATTN_CPU=cortex-a53: one of' "$B/probe-a53.log"
    ck "cmake/arm-none-eabi.cmake refuses ATTN_CPU=cortex-a53, naming the cores it knows" $?
fi

# no warning from CMake in any configure above
w=$(grep -l 'CMake Warning\|CMake Deprecation Warning' "$B"/*.log 2>/dev/null | tr '\n' ' ')
[ -z "$w" ]; ck "no CMake warning in any configure (${w:-none})" $?
# inside another project, no install rules unless asked (ATTENTION_INSTALL)
[ -f "$B/host-subdir/cmake_install.cmake" ] && [ -f "$B/install-build/cmake_install.cmake" ] &&
    ! grep -q 'attentionConfig' "$B/host-subdir/attention/cmake_install.cmake" 2>/dev/null &&
    grep -q 'attentionConfig' "$B/install-build/cmake_install.cmake"
ck "add_subdirectory: no install rules of attention's (ATTENTION_INSTALL off); top level: installs" $?

# refusals: a newer minor, another major, an alignment that is no power of two
for want in "$maj.$((min + 1))" "$((maj + 1)).0"; do
    ! "$CMAKE" -S tests/cmake/consumer -B "$B/refuse-$want" -DROUTE=package -DATTN_TOP="$top" \
        -DCMAKE_PREFIX_PATH="$top/$P" -DATTN_WANT_VERSION="$want" > "$B/refuse-$want.log" 2>&1 &&
        grep -q 'attentionConfig.cmake, version: '"$v" "$B/refuse-$want.log"
    ck "find_package(attention $want CONFIG) refuses the installed $v" $?
done
! "$CMAKE" -S tests/cmake/consumer -B "$B/refuse-align" -DROUTE=subdir -DATTN_TOP="$top" \
    -DATTN_ALIGN=24 > "$B/refuse-align.log" 2>&1 && grep -q 'ATTN_ALIGN=24: not a power of two' "$B/refuse-align.log"
ck "ATTN_ALIGN=24 fails to configure, naming it" $?
echo "$((pass + p)) passed, $((fail + f)) failed"
[ $((fail + f)) -eq 0 ]
