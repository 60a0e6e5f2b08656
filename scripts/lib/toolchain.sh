# Sourced by scripts/run and scripts/test: makes sure every build tool is installed at the version
# this repository pins, installing only what is missing, and exports the environment the build needs.
# Safe to run again and again; what it installs is cached in ~/.cargo/bin, the system packages and
# tools/node_modules.
#
# The WebAssembly standard library comes from the active Rust toolchain when it has one (rustup with
# `rustup target add wasm32-unknown-unknown`). Otherwise it is built from source with Debian's
# rustc-web (see docs/toolchain.md): -Zbuild-std, linked by Debian's wasm-ld.

CARGO_LEPTOS_VERSION="0.3.11"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_loopback_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs apt-get as root, or through sudo for a normal user.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
# Installs the Debian packages given that are not installed yet (one apt-get call for all).
ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

wasm_std_in_active_toolchain() {
  [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/wasm32-unknown-unknown/lib" ]
}

# Chooses how the WebAssembly standard library is obtained and exports the build environment:
# WASM_ROUTE (rustup|debian) and LEPTOS_BUILD_ARGS (extra cargo-leptos flags).
# PORTAL_WASM_ROUTE=debian forces the Debian route (to test it where rustup has the target).
select_wasm_route() {
  LEPTOS_BUILD_ARGS=()
  if [ "${PORTAL_WASM_ROUTE:-}" = debian ]; then
    use_debian_wasm_route
    return
  fi
  if ! wasm_std_in_active_toolchain && command -v rustup >/dev/null 2>&1; then
    # Where the Rust download servers are reachable this is all it takes; where they are not it
    # hangs, so it gets a short time limit and the Debian route takes over.
    timeout 30 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
  fi
  if wasm_std_in_active_toolchain; then
    WASM_ROUTE=rustup
    log "WebAssembly standard library: rustup route ($(rustc --version))"
  else
    use_debian_wasm_route
  fi
}

use_debian_wasm_route() {
  WASM_ROUTE=debian
  ensure_debian_packages rustc-web cargo-web rust-web-src lld-22
  # Debian's cargo and rustc (1.96, with the standard library's source) come first on PATH.
  export PATH="/usr/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld-22
  LEPTOS_BUILD_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
  log "WebAssembly standard library: Debian route, built from source ($(rustc --version))"
}

# The wasm-bindgen version Cargo.lock resolved; the CLI must be exactly the same.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock"
}

ensure_cargo_tools() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if [ "$WASM_ROUTE" = debian ]; then export PATH="/usr/bin:$PATH"; fi
  if ! cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
    # no_downloads: use wasm-bindgen and wasm-opt from PATH instead of fetching binaries.
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local wasm_bindgen_version
  wasm_bindgen_version="$(locked_wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wasm_bindgen_version"; then
    log "installing wasm-bindgen-cli $wasm_bindgen_version (equal to Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
  fi
}

# wasm-opt from npm's binaryen (pinned in tools/package.json): Debian's binaryen is too old and its
# output fails at hydration.
ensure_wasm_opt() {
  if ! "$REPO_ROOT/tools/node_modules/.bin/wasm-opt" --version >/dev/null 2>&1; then
    log "installing wasm-opt (npm binaryen)"
    (cd "$REPO_ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$REPO_ROOT/tools/node_modules/.bin:$PATH"
}

# Installs a Debian package only if the command it provides is not already on PATH (the machine may
# carry its own Node.js, for example, which must not be replaced).
ensure_command() {
  command -v "$1" >/dev/null 2>&1 || ensure_debian_packages "${@:2}"
}

# Everything needed to build the portal.
ensure_build_toolchain() {
  ensure_command cc build-essential
  ensure_command npm nodejs npm
  select_wasm_route
  ensure_cargo_tools
  ensure_wasm_opt
}

# Builds the portal in release mode: server binary, WASM, CSS, hashed and precompressed assets.
build_release() {
  log "building the portal (release)"
  (cd "$REPO_ROOT" && cargo leptos build --release --precompress "${LEPTOS_BUILD_ARGS[@]}")
}
