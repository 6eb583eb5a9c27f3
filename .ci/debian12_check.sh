#!/usr/bin/env bash
# Installs netfold's .deb on a fresh Debian 12 made with debootstrap and checks that it works
# there: netfold-cli info and netfold --screenshot on the installed sample, the MIME type and
# the default application for it. Not part of ./test (it downloads a Debian base system, a few
# minutes); run it by hand as root after `cpack` in build/:
#   .ci/debian12_check.sh build/netfold_*.deb [CHROOT_DIR] [MIRROR]
set -euo pipefail
deb=$(realpath "$1")
root=${2:-/tmp/netfold-debian12}
mirror=${3:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || apt-get install -y debootstrap
if [ ! -x "$root/usr/bin/apt-get" ]; then
    debootstrap --variant=minbase bookworm "$root" "$mirror"
fi
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf"
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
cp "$deb" "$root/root/"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 bash -euo pipefail -c "$1"; }
in_root "apt-get update -qq"
# What a desktop has (the menu and MIME databases, xdg-mime), then the package and what it pulls in.
in_root "apt-get install -y -qq --no-install-recommends xdg-utils desktop-file-utils shared-mime-info >/dev/null"
in_root "cd /root && apt-get install -y -qq ./$(basename "$deb") >/dev/null"
in_root "netfold --version; netfold-cli --version"
in_root "netfold-cli info /usr/share/netfold/sample-reshape.onnx"
in_root "cd /tmp && QT_QPA_PLATFORM=offscreen netfold --simplify --fit --screenshot /tmp/netfold-shot.png /usr/share/netfold/sample-reshape.onnx"
in_root "test -s /tmp/netfold-shot.png"
in_root "grep -x 'application/x-onnx:\*.onnx' /usr/share/mime/globs"
default=$(in_root "xdg-mime query default application/x-onnx")
echo "xdg-mime query default application/x-onnx: $default"
[ "$default" = "org.netfold.Netfold.desktop" ]
cp "$root/tmp/netfold-shot.png" ./netfold-debian12-shot.png
echo "ok: installed and ran on Debian 12; screenshot in ./netfold-debian12-shot.png"
