#!/bin/sh
# Install mmkit's build and test dependencies from Debian 12 packages
# (skipped when they are all present already).
set -e
PKGS="cmake make gcc clang libclang-rt-14-dev clang-format clang-tidy pkg-config python3 libcmocka-dev libedit-dev libjemalloc-dev libmimalloc-dev libjansson-dev tmux gdb binutils elfutils busybox-static git"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
