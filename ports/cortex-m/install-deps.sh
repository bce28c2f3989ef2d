#!/bin/sh
# install-deps.sh - make sure the cross compiler, newlib (with semihosting),
# clang (the second compiler of every board build: Debian's clang targets
# arm-none-eabi as it comes, and arm-none-eabi-gcc links its objects) and QEMU
# are present; install them from Debian's packages when they are not.
# Called by `make test` (make ports-deps) before any board is built. CLANG
# names the clang command (default clang), as in the Makefile. The RISC-V
# boards' tools too (ports/riscv): riscv64-unknown-elf-gcc (RV_CC names it),
# picolibc and qemu-system-riscv32 (Debian's qemu-system-misc).
# usage: install-deps.sh [--check] [m32 | lint | python | cmake]
#   m32      instead: gcc-multilib, for the 32-bit host test runner (gcc -m32
#            with ASan + UBSan; HOST_CC names the compiler, default gcc)
#   lint     instead: cppcheck and clang-tidy, for make lint (CPPCHECK and
#            CLANG_TIDY name the commands)
#   python   instead: python3-torch and python3-numpy, for tools/export.py's
#            tests (tests/export; PYTHON names the interpreter, default
#            /usr/bin/python3, which must import torch and numpy)
#   cmake    instead: cmake, for the build-system checks (tests/cmake; CMAKE
#            names the command, default cmake)
#   --check  install nothing: name what is missing and exit 1 if anything is
set -u
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
missing=""
if [ "${1:-}" = m32 ]; then
    # gcc -m32 must compile and link a sanitized program (i386 libc, libasan, libubsan)
    dir=$(mktemp -d)
    printf '#include <stdio.h>\nint main(void) { return puts("") < 0; }\n' > "$dir/m32.c"
    "${HOST_CC:-gcc}" -m32 -fsanitize=address,undefined "$dir/m32.c" -o "$dir/m32" >/dev/null 2>&1 ||
        missing=" gcc-multilib"
    rm -rf "$dir"
elif [ "${1:-}" = python ]; then
    "${PYTHON:-/usr/bin/python3}" -c "import torch, numpy" >/dev/null 2>&1 ||
        missing=" python3-torch python3-numpy"
elif [ "${1:-}" = cmake ]; then
    command -v "${CMAKE:-cmake}" >/dev/null 2>&1 || missing=" cmake"
elif [ "${1:-}" = lint ]; then
    command -v "${CPPCHECK:-cppcheck}" >/dev/null 2>&1 || missing="$missing cppcheck"
    command -v "${CLANG_TIDY:-clang-tidy}" >/dev/null 2>&1 || missing="$missing clang-tidy"
else
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || missing="$missing gcc-arm-none-eabi"
    if ! command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
       [ ! -f "$(arm-none-eabi-gcc -print-file-name=rdimon.specs)" ]; then
        missing="$missing libnewlib-arm-none-eabi"
    fi
    command -v "${CLANG:-clang}" >/dev/null 2>&1 || missing="$missing clang"
    command -v qemu-system-arm >/dev/null 2>&1 || missing="$missing qemu-system-arm"
    # the RISC-V boards (ports/riscv): gcc, picolibc (its specs file), QEMU
    command -v "${RV_CC:-riscv64-unknown-elf-gcc}" >/dev/null 2>&1 || missing="$missing gcc-riscv64-unknown-elf"
    if ! command -v "${RV_CC:-riscv64-unknown-elf-gcc}" >/dev/null 2>&1 ||
       [ ! -f "$("${RV_CC:-riscv64-unknown-elf-gcc}" -print-file-name=picolibc.specs)" ]; then
        missing="$missing picolibc-riscv64-unknown-elf"
    fi
    command -v qemu-system-riscv32 >/dev/null 2>&1 || missing="$missing qemu-system-misc"
fi
[ -z "$missing" ] && exit 0
if [ "$check" -eq 1 ]; then
    echo "install-deps: missing:$missing (apt-get install$missing, or: make ports-deps / m32-deps / lint-deps / python-deps / cmake-deps)" >&2
    exit 1
fi

echo "install-deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
    echo "install-deps: need$missing, and cannot install them (not root, no sudo)." >&2
    echo "install-deps: run: apt-get install$missing" >&2
    exit 1
fi
# (waiting for dpkg's lock: make -j may run the two installs at once)
lock="-o DPkg::Lock::Timeout=600"
# shellcheck disable=SC2086
$SUDO apt-get $lock update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get $lock install -y -qq $missing >/dev/null || {
    echo "install-deps: apt-get install$missing failed" >&2
    exit 1
}
