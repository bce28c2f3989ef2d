#!/bin/sh
# install-deps.sh - make sure the cross compiler, newlib (with semihosting),
# clang (the second compiler of every board build: Debian's clang targets
# arm-none-eabi as it comes, and arm-none-eabi-gcc links its objects) and QEMU
# are present; install them from Debian's packages when they are not.
# Called by `make test` and .ci/run before any board is built. CLANG names
# the clang command (default clang), as in the Makefile.
set -u
missing=""
command -v arm-none-eabi-gcc >/dev/null 2>&1 || missing="$missing gcc-arm-none-eabi"
if ! command -v arm-none-eabi-gcc >/dev/null 2>&1 ||
   [ ! -f "$(arm-none-eabi-gcc -print-file-name=rdimon.specs)" ]; then
    missing="$missing libnewlib-arm-none-eabi"
fi
command -v "${CLANG:-clang}" >/dev/null 2>&1 || missing="$missing clang"
command -v qemu-system-arm >/dev/null 2>&1 || missing="$missing qemu-system-arm"
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
    echo "install-deps: need$missing, and cannot install them (not root, no sudo)." >&2
    echo "install-deps: run: apt-get install$missing" >&2
    exit 1
fi
$SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null || {
    echo "install-deps: apt-get install$missing failed" >&2
    exit 1
}
