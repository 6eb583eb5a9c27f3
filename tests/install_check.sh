#!/usr/bin/env bash
# ctest "install": `cmake --install` into a DESTDIR, then checks what a desktop needs is there and
# valid: the file list, desktop-file-validate, appstreamcli validate, the MIME database built from
# the MIME package, the man pages (man's warnings), the bash completion, and the installed
# programs running on the installed sample.
# Usage: install_check.sh BUILD_DIR      (exit 77 = skipped: a validator is not installed)
set -euo pipefail
build=$1
for tool in desktop-file-validate appstreamcli update-mime-database; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool is not installed (Debian: desktop-file-utils, appstream, shared-mime-info)"
        exit 77
    fi
done
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR=$dest cmake --install "$build" --prefix /usr >/dev/null
root=$dest/usr

fail() { echo "FAIL: $*"; exit 1; }

# The file list, exactly.
id=org.netfold.Netfold
expected="bin/netfold
bin/netfold-cli
share/applications/$id.desktop
share/bash-completion/completions/netfold-cli
share/doc/netfold/changelog.gz
share/doc/netfold/copyright
share/icons/hicolor/128x128/apps/$id.png
share/icons/hicolor/16x16/apps/$id.png
share/icons/hicolor/22x22/apps/$id.png
share/icons/hicolor/24x24/apps/$id.png
share/icons/hicolor/256x256/apps/$id.png
share/icons/hicolor/32x32/apps/$id.png
share/icons/hicolor/48x48/apps/$id.png
share/icons/hicolor/64x64/apps/$id.png
share/icons/hicolor/scalable/apps/$id.svg
share/man/man1/netfold-cli.1.gz
share/man/man1/netfold.1.gz
share/metainfo/$id.metainfo.xml
share/mime/packages/netfold.xml
share/netfold/sample-reshape.onnx"
actual=$(cd "$root" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort)
if [ "$actual" != "$(echo "$expected" | LC_ALL=C sort)" ]; then
    diff <(echo "$expected" | LC_ALL=C sort) <(echo "$actual") || true
    fail "installed files differ from the expected list (< expected, > installed)"
fi
echo "ok: $(echo "$actual" | wc -l) files installed"

# PNG sizes are what their folders say.
for png in "$root"/share/icons/hicolor/*x*/apps/$id.png; do
    size=$(basename "$(dirname "$(dirname "$png")")")
    w=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $3*256+$4 "x" $7*256+$8 }')
    [ "$w" = "$size" ] || fail "$png is $w, not $size"
done
echo "ok: icon sizes"

desktop-file-validate "$root/share/applications/$id.desktop" || fail "desktop-file-validate"
grep -qx "MimeType=application/x-onnx;" "$root/share/applications/$id.desktop" || fail "the desktop entry does not take application/x-onnx"
echo "ok: desktop-file-validate"
appstreamcli validate --no-net --explain "$root/share/metainfo/$id.metainfo.xml" || fail "appstreamcli validate"
echo "ok: appstreamcli validate"

# The MIME package compiles and maps *.onnx to application/x-onnx.
data=$(mktemp -d)
mime=$data/mime
mkdir -p "$mime/packages"
cp "$root/share/mime/packages/netfold.xml" "$mime/packages/"
XDG_DATA_DIRS=$data update-mime-database "$mime" 2>&1 | (! grep .) || fail "update-mime-database complained"
grep -qx "application/x-onnx:\*.onnx" "$mime/globs" || { cat "$mime/globs"; fail "*.onnx is not application/x-onnx"; }
rm -rf "$data"
echo "ok: MIME type"

# Man pages: groff has nothing to say about them and they name every option --help names.
if command -v man >/dev/null; then
    for page in netfold netfold-cli; do
        warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$root/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
        [ -z "$warnings" ] || fail "man $page: $warnings"
    done
    text=$(MANWIDTH=200 man -l "$root/share/man/man1/netfold.1.gz" 2>/dev/null)
    for option in $(QT_QPA_PLATFORM=offscreen "$root/bin/netfold" --help 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u); do
        [ "$option" = "--help-all" ] && continue
        grep -q -- "$option" <<<"$text" || fail "netfold(1) does not document $option"
    done
    text=$(MANWIDTH=200 man -l "$root/share/man/man1/netfold-cli.1.gz" 2>/dev/null)
    for option in $("$root/bin/netfold-cli" simplify --help | grep -o -- '--[a-z-]*' | sort -u); do
        grep -q -- "$option" <<<"$text" || fail "netfold-cli(1) does not document $option"
    done
    echo "ok: man pages"
fi

# Bash completion: commands, options and pass names.
if [ -f /usr/share/bash-completion/bash_completion ]; then
    result=$(PATH="$root/bin:$PATH" bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"
        complete_line() {
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            COMPREPLY=(); _netfold_cli; echo "${COMPREPLY[*]}"
        }
        complete_line netfold-cli si
        complete_line netfold-cli simplify --skip-f
        complete_line netfold-cli simplify --skip-optimization fuse_bn
    ' _ "$root/share/bash-completion/completions/netfold-cli")
    expected_completion=$'simplify\n--skip-fuse-bn\nfuse_bn_into_conv'
    [ "$result" = "$expected_completion" ] || fail "bash completion gave: $result"
    echo "ok: bash completion"
else
    bash -n "$root/share/bash-completion/completions/netfold-cli" || fail "bash completion syntax"
fi

# The installed programs run, on the installed sample.
"$root/bin/netfold-cli" --version | head -1 | grep -q "^netfold-cli " || fail "netfold-cli --version"
"$root/bin/netfold-cli" info "$root/share/netfold/sample-reshape.onnx" | grep -q Reshape || fail "netfold-cli info on the sample"
env -u DISPLAY -u WAYLAND_DISPLAY "$root/bin/netfold" --version | head -1 | grep -q "^netfold " || fail "netfold --version"
echo "ok: installed programs run"
