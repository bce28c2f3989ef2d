#!/bin/sh
# host32-deps.sh - make sure the host compiler builds 32-bit x86 programs with
# ASan and UBSan (gcc -m32, as the fuzz corpus replays use it): Debian's
# gcc-multilib (which brings libc6-dev-i386 and the 32-bit sanitizer
# runtimes). Installed with apt-get when missing, as ports/cortex-m/
# install-deps.sh does. HOST_CC names the compiler (default gcc).
set -u
cc=${HOST_CC:-gcc}
probe() {
    printf 'int main(void) { return 0; }\n' |
        "$cc" -m32 -fsanitize=address,undefined -x c - -o /dev/null >/dev/null 2>&1
}
probe && exit 0
echo "host32-deps: $cc -m32 with ASan/UBSan does not link; installing gcc-multilib"
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
    echo "host32-deps: cannot install (not root, no sudo); run: apt-get install gcc-multilib" >&2
    exit 1
fi
$SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc-multilib >/dev/null || {
    echo "host32-deps: apt-get install gcc-multilib failed" >&2
    exit 1
}
probe || { echo "host32-deps: $cc -m32 still does not link with ASan/UBSan" >&2; exit 1; }
