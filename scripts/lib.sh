# Shared set-up for scripts/serve, scripts/test and scripts/bench. Sourced, not run.
# Everything the project needs comes from Debian packages, installed only when missing.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_PACKAGES=(g++ pkg-config meson ninja-build libasio-dev libboost-dev doctest-dev nlohmann-json3-dev)
# The README's examples talk to a running server with redis-cli and nc.
CLIENT_PACKAGES=(redis-tools netcat-openbsd)
TEST_PACKAGES=(redis-server redis-tools python3 python3-redis netcat-openbsd procps)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the packages that are not installed yet; silent when nothing is missing.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing missing packages: ${missing[*]}"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Configures (once) and builds one flavour: release (-O2) or asan (address + undefined).
# Output is shown only when something fails.
build_flavour() {
    local flavour="$1" dir="$REPO_ROOT/build/$1" log
    log="$(mktemp)"
    if [ ! -f "$dir/build.ninja" ]; then
        local options=()
        case "$flavour" in
            release) options=(--buildtype=release -Doptimization=2) ;;
            asan) options=(--buildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false) ;;
            *) echo "unknown build flavour: $flavour" >&2; return 2 ;;
        esac
        if ! meson setup "$dir" "$REPO_ROOT" "${options[@]}" >"$log" 2>&1; then
            cat "$log" >&2; rm -f "$log"; return 1
        fi
    fi
    if ! ninja -C "$dir" -j2 >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"; return 1
    fi
    rm -f "$log"
}
