# shellcheck shell=bash disable=SC2034  # the package lists are used by the sourcing scripts
# Shared set-up for scripts/serve, scripts/test, scripts/bench and scripts/fuzz. Sourced, not
# run. Everything the project needs comes from Debian packages, installed only when missing,
# so a fresh machine and a warm one run the same scripts and the warm one stays quiet.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BUILD_PACKAGES=(g++ pkg-config meson ninja-build libasio-dev libboost-dev doctest-dev nlohmann-json3-dev)
# The README's examples talk to a running server with redis-cli and nc.
CLIENT_PACKAGES=(redis-tools netcat-openbsd)
# python3-redis only imports into Debian's /usr/bin/python3, which is why the suites use it.
TEST_PACKAGES=(redis-server redis-tools python3 python3-redis netcat-openbsd procps)

# apt's index only needs refreshing once per script run, however many installs follow.
APT_UPDATED=no

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

is_installed() {  # package
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Runs a command with its output kept in a log that is shown only if the command fails, so
# a successful step prints nothing.
quietly() {  # command...
    local log rc=0
    log="$(mktemp)"
    "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "failed (exit $rc): $*" >&2
        tail -n 100 "$log" >&2
    fi
    rm -f "$log"
    return "$rc"
}

# Installs the packages that are not installed yet; prints nothing when none is missing.
# Every step returns explicitly: callers may use it under `if`, where set -e is off.
ensure_packages() {  # package...
    local missing=() pkg
    for pkg in "$@"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0

    echo "Installing missing Debian packages: ${missing[*]}" >&2
    if [ "$APT_UPDATED" = no ]; then
        quietly as_root apt-get update -qq || return 1
        APT_UPDATED=yes
    fi
    # Lock timeout: another apt run (unattended upgrades, a second script) waits, not fails.
    quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" || return 1

    for pkg in "${missing[@]}"; do
        [ "$pkg" = redis-server ] && stop_packaged_redis
    done
    return 0
}

# Debian's redis-server package starts a system service on 6379 where the init system lets
# it (containers usually forbid it through policy-rc.d). Tests never use it (they start their
# own servers on free ports), but it would hold 6379, which config.json gives corokv. We only
# call this right after installing the package ourselves, so the service is ours to stop.
stop_packaged_redis() {
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
        as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
    elif [ -x /etc/init.d/redis-server ]; then
        as_root /etc/init.d/redis-server stop >/dev/null 2>&1 || true
        as_root update-rc.d redis-server disable >/dev/null 2>&1 || true
    fi
}

# Configures build/<flavour> once and builds it; prints nothing unless something fails.
#   release: what users run and benchmark (-O2).
#   asan:    address + undefined behaviour sanitizers at -O1 with line tables only (-g1):
#            stack traces keep file:line, and the build takes about a third of the time
#            debugoptimized (-O2 -g) took (5.6 vs 16 min on 2 cores), with the same test times.
build_flavour() {  # release|asan
    local flavour="$1" dir="$REPO_ROOT/build/$1" options=()
    # shellcheck disable=SC2054  # the commas are meson's list syntax
    case "$flavour" in
        release) options=(--buildtype=release -Doptimization=2) ;;
        asan) options=(--buildtype=plain -Doptimization=1 -Dcpp_args=-g1 -Db_sanitize=address,undefined -Db_lundef=false) ;;
        *) echo "unknown build flavour: $flavour (release|asan)" >&2; return 2 ;;
    esac
    # An existing build dir keeps its configuration (ninja re-runs meson when meson.build
    # changes). One whose setup failed half-way has meson-private/ but no build.ninja:
    # --wipe redoes it instead of failing on "directory already configured".
    if [ ! -f "$dir/build.ninja" ]; then
        [ -d "$dir/meson-private" ] && options+=(--wipe)
        quietly meson setup "$dir" "$REPO_ROOT" "${options[@]}" || return 1
    fi
    build_dir "$dir"
}

# ninja -j2: the machines have 2 cores and more jobs only add memory pressure. On failure
# shows the first failing command and its compiler messages, which is where the cause is.
build_dir() {  # dir [target...]
    local dir="$1" log rc=0
    shift
    log="$(mktemp)"
    ninja -C "$dir" -j2 "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "build failed in $dir (ninja exit $rc):" >&2
        if grep -q '^FAILED: ' "$log"; then
            sed -n '/^FAILED: /,$p' "$log" | head -n 200 >&2
        else
            tail -n 100 "$log" >&2
        fi
    fi
    rm -f "$log"
    return "$rc"
}
