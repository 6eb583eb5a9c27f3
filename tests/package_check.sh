#!/usr/bin/env bash
# ctest "package": builds the Debian package with cpack, lists it (dpkg-deb -c), checks its name,
# its Depends (from dpkg-shlibdeps) and its files, validates the desktop entry and metainfo as
# unpacked from it, and runs lintian on it (errors fail; lintian is skipped when not installed).
# Usage: package_check.sh BUILD_DIR      (exit 77 = skipped: dpkg-deb or a validator missing)
set -euo pipefail
build=$1
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done
fail() { echo "FAIL: $*"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$out/netfold_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { ls "$out"; fail "no $(basename "$deb")"; }
echo "ok: $(basename "$deb") ($(du -k "$deb" | cut -f1) KB)"

echo "--- dpkg-deb -c"
dpkg-deb -c "$deb" | tee "$out/list.txt"
for f in ./usr/bin/netfold ./usr/bin/netfold-cli ./usr/share/applications/org.netfold.Netfold.desktop \
    ./usr/share/metainfo/org.netfold.Netfold.metainfo.xml ./usr/share/mime/packages/netfold.xml \
    ./usr/share/icons/hicolor/scalable/apps/org.netfold.Netfold.svg ./usr/share/man/man1/netfold.1.gz \
    ./usr/share/man/man1/netfold-cli.1.gz ./usr/share/bash-completion/completions/netfold-cli \
    ./usr/share/netfold/sample-reshape.onnx ./usr/share/doc/netfold/copyright ./usr/share/doc/netfold/changelog.gz; do
    grep -q " $f\$" "$out/list.txt" || fail "the package lacks $f"
done

echo "--- dpkg-deb -f"
dpkg-deb -f "$deb" Package Version Architecture Depends | tee "$out/control.txt"
depends=$(sed -n 's/^Depends: //p' "$out/control.txt")
# dpkg-shlibdeps found the libraries the programs link (not a hand-written list).
for lib in libc6 libstdc++6 libqt6widgets6 libqt6svg6 libgvc6 libcgraph6 libonnx1 libprotobuf32; do
    grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
grep -q "qt6-qpa-plugins" <<<"$depends" || fail "Depends lacks the Qt platform plugins"

# The programs are stripped.
dpkg-deb -x "$deb" "$out/root"
for b in netfold netfold-cli; do
    file_info=$(od -An -c -N4 "$out/root/usr/bin/$b" | tr -d ' ')
    [ "$file_info" = "177ELF" ] || fail "$b is not an ELF file"
    if command -v readelf >/dev/null && readelf -S "$out/root/usr/bin/$b" | grep -q '\.debug_info'; then
        fail "$b is not stripped"
    fi
done

desktop-file-validate "$out/root/usr/share/applications/org.netfold.Netfold.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$out/root/usr/share/metainfo/org.netfold.Netfold.metainfo.xml" || fail "appstreamcli validate"
echo "ok: desktop entry and metainfo from the package validate"

if command -v lintian >/dev/null; then
    echo "--- lintian"
    lintian --fail-on error --suppress-tags-from-file /dev/null "$deb" || fail "lintian reports errors"
    echo "ok: lintian has no errors"
else
    echo "lintian is not installed: not run"
fi
