#!/bin/sh
# A second reader's Python for tests/site/test_real_python.py: Debian 13's own python3
# (3.13), in a Debian 13 root made by debootstrap in the folder given (make readers:
# .readers/debian13). Its sum() of floats, repr and error messages are 3.13's, where
# make test's own Python is 3.11. Needs root (chroot) and debootstrap (Debian:
# apt-get install debootstrap); without them it says why and makes nothing, and the
# tests that need the root skip (fail in CI).
set -eu
PATH=$PATH:/usr/sbin:/sbin  # debootstrap and chroot live there
root=${1:?usage: debian13.sh FOLDER}
[ -x "$root/usr/bin/python3" ] && exit 0
why=""
[ "$(id -u)" -eq 0 ] || why="it needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null 2>&1 || why="${why:+$why; }debootstrap is not installed (Debian: apt-get install debootstrap)"
if [ -n "$why" ]; then
  echo "no Debian 13 reader made in $root: $why" >&2
  exit 0
fi
rm -rf "$root.part"
mkdir -p "$(dirname "$root")"
# minbase: apt and the essentials; python3 brings 3.13's interpreter and standard library.
debootstrap --variant=minbase --include=python3 trixie "$root.part" http://deb.debian.org/debian >"$root.log" 2>&1 \
  || { echo "debootstrap failed (log: $root.log)" >&2; tail -5 "$root.log" >&2; exit 1; }
mv "$root.part" "$root"
echo "made a Debian 13 root with $(chroot "$root" python3 --version) in $root"
