# Shared by ./run and ./test: install missing Debian packages, then configure and build.
# Usage: source .ci/setup.sh; netfold_install_packages PKG...; netfold_build BUILD_DIR [cmake args...]
set -euo pipefail

NETFOLD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NETFOLD_BUILD_PACKAGES="cmake make g++ pkg-config qt6-base-dev qt6-svg-dev libonnx-dev libprotobuf-dev protobuf-compiler libgraphviz-dev"
# What the install and package tests check with (validators, dpkg-shlibdeps, lintian).
NETFOLD_TEST_PACKAGES="desktop-file-utils appstream shared-mime-info bash-completion man-db dpkg-dev lintian"
# The fuzz share of ./test (tests/fuzz/run_fuzz.sh; NETFOLD_SKIP_FUZZ=1 skips it and these).
NETFOLD_FUZZ_PACKAGES="clang-14 libfuzzer-14-dev libclang-rt-14-dev"

netfold_install_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "netfold: installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

netfold_build() {
    local dir=$1
    shift
    cmake -S "$NETFOLD_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}
