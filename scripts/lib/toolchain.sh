# shellcheck shell=bash
# Sourced by scripts/run, scripts/test and the other scripts: makes sure every command and build tool
# they use is installed at the version this repository pins, installing only what is missing, and
# exports the environment the build needs. Safe to run again and again. What it installs goes to the
# system's Debian packages, tools/node_modules (wasm-opt, terser) and, where the system's Node.js is
# too old for Playwright, tools/node-v* (Node.js and npm). The build itself is in build.sh.
#
# Works from a bare Debian 12 (no Rust, Node.js, Python or curl) as root or as a user with sudo.
#
# The project is built by the active Rust (rustup's, for example) when it has the WebAssembly standard
# library (`rustup target add wasm32-unknown-unknown`, which is tried); otherwise by Debian's rustc-web,
# which builds that library from source (-Zbuild-std) and links with Debian's wasm-ld. The Rust build
# tools (tools/site-bindgen) are workspace members, built under Cargo.lock by the same Rust.

# Playwright 1.65 needs Node.js 20. Debian 12's nodejs is 18: then a pinned Node.js and npm come from
# the npm registry (the packages node-linux-<arch> and npm), checked against these SHA-512 digests.
NODE_MIN_MAJOR=20
NODE_VERSION="24.22.1"
NODE_SHA512_X64="a203281594502c25fb569cd002d7eceead035456bb0fbf4b2a19adb4764d189af3d18a79fcbb54d0c21233b82f4e14a8e806d57a569cf6e56ef497e6d78eb8a3"
NODE_SHA512_ARM64="d6e0fe42f72ed78649e89561b0088e780882408d0d9eefb2eb45499f086af271abfb597b5ca167365678d9feb5f5dfa1e54cd142d3b7a70a4110cd85611ffcdd"
NPM_VERSION="11.21.2"
NPM_SHA512="ec73c0a64f807e53146af4ac78bd4f9ba0a762a3081e4e77c7e2a6ba1aa64c3a8f9233cc8312294cf713aac13dd4428dc3880504957d7e75e249d1a6d435eaf4"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
# The oldest Rust that builds the workspace (its rust-version).
MIN_RUST="$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' "$REPO_ROOT/Cargo.toml")"
# Debian's own directories, for the commands that must come from Debian packages (rustc-web, cargo-web).
# shellcheck disable=SC2034 # used by check-fresh
DEBIAN_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# A bare system's PATH may lack the sbin directories (runuser, for example, is in /usr/sbin).
case ":$PATH:" in *:/usr/sbin:*) ;; *) export PATH="$PATH:/usr/sbin:/sbin" ;; esac

log() { printf '\033[1m==> [%s] %s\033[0m\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "installing Debian packages needs root: run this as root, or install sudo and allow this user to use it"
  fi
}

APT_UPDATED=""
# Installs the Debian packages given that are not installed yet (one apt-get call for all).
ensure_debian_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local started=$SECONDS
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "installed ${missing[*]} in $((SECONDS - started)) s"
}

# ensure_command COMMAND PACKAGE...: installs the packages if COMMAND is not on PATH (a command the
# machine already has, such as its own Node.js, is never replaced), then checks it is there.
ensure_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  ensure_debian_packages "${@:2}"
  hash -r
  command -v "$1" >/dev/null 2>&1 || die "'$1' is still missing after installing ${*:2}"
}

# The commands the scripts themselves call (test-only ones are in scripts/test).
ensure_script_commands() {
  ensure_command curl curl
  ensure_command python3 python3-minimal
  ensure_command cc build-essential
  ensure_command git git
  # Precompresses the site's files (gzip is in every Debian).
  ensure_command brotli brotli
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_loopback_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_http URL PID LOG [SECONDS]: waits until URL answers 2xx. Fails loudly, printing LOG, if the
# process PID exits or the time runs out; never passes without an answer.
wait_for_http() {
  local url="$1" pid="$2" logfile="$3" limit="${4:-60}" started=$SECONDS
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$logfile" >&2
      die "the server exited before $url answered"
    fi
    if [ $((SECONDS - started)) -ge "$limit" ]; then
      cat "$logfile" >&2
      die "$url did not answer within $limit s"
    fi
    sleep 0.2
  done
}

# version_at_least A B: true if version A >= version B (dotted numbers).
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

# Under `set -o pipefail` a pipeline whose first command is missing fails, and an assignment from it
# would end the script without a word: these print nothing instead.
rustc_version_of() { { "$1" --version 2>/dev/null || true; } | awk '{ print $2 }'; }

wasm_std_in_active_toolchain() {
  command -v rustc >/dev/null 2>&1 &&
    [ -d "$(rustc --print sysroot 2>/dev/null)/lib/rustlib/wasm32-unknown-unknown/lib" ]
}

# Chooses how the WebAssembly standard library is obtained and exports the build environment:
# WASM_ROUTE (rustup|debian) and WASM_CARGO_ARGS (extra flags of the wasm32 cargo build).
# PORTAL_WASM_ROUTE=debian forces the Debian route (to test it where rustup has the target).
select_wasm_route() {
  # shellcheck disable=SC2034 # used by build.sh
  WASM_CARGO_ARGS=()
  if [ "${PORTAL_WASM_ROUTE:-}" = debian ]; then
    use_debian_wasm_route
    return
  fi
  if ! wasm_std_in_active_toolchain && command -v rustup >/dev/null 2>&1; then
    # Where the Rust download servers are reachable this is all it takes; where they are not it
    # hangs, so it gets a time limit and the Debian route takes over.
    log "adding rustup's wasm32-unknown-unknown target (the Debian route takes over if it cannot)"
    timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
  fi
  if wasm_std_in_active_toolchain; then
    WASM_ROUTE=rustup
    log "WebAssembly standard library: rustup route ($(rustc --version))"
  else
    use_debian_wasm_route
  fi
}

# Debian's rustc-web and cargo-web: 1.96 is in bookworm-security (bookworm itself has 1.85).
use_debian_rust() {
  ensure_debian_packages rustc-web cargo-web
  local version
  version="$(rustc_version_of /usr/bin/rustc)"
  if ! version_at_least "$version" "$MIN_RUST"; then
    log "Debian's rustc-web is $version and the workspace needs $MIN_RUST: upgrading it"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rustc-web cargo-web >/dev/null
    version="$(rustc_version_of /usr/bin/rustc)"
    version_at_least "$version" "$MIN_RUST" ||
      die "Debian offers rustc-web $version, and $MIN_RUST is needed: it is in the security archive; add bookworm-security to APT's sources and run this again"
  fi
}

use_debian_wasm_route() {
  WASM_ROUTE=debian
  use_debian_rust
  ensure_debian_packages rust-web-src lld-22
  # Debian's cargo and rustc (1.96, with the standard library's source) come first on PATH.
  export PATH="/usr/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/bin/wasm-ld-22
  # shellcheck disable=SC2034,SC2054 # used by build.sh; one argument: the commas belong to -Zbuild-std
  WASM_CARGO_ARGS=(-Zbuild-std=std,panic_abort)
  # Native programs link with the same LLVM's lld, as rustup's Rust does by itself since 1.90: Debian's
  # links with GNU ld, the slower linker for the tests' large debug binaries.
  local host
  host="$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')"
  export "CARGO_TARGET_${host}_RUSTFLAGS=-C link-arg=-fuse-ld=lld -C link-arg=-B/usr/lib/llvm-22/bin"
  log "WebAssembly standard library: Debian route, built from source ($(rustc --version))"
}

node_major() { { node --version 2>/dev/null || true; } | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p'; }

# fetch_npm_tarball PACKAGE VERSION SHA512_HEX DIR: unpacks a package from the npm registry into DIR
# after checking its digest.
fetch_npm_tarball() {
  local package="$1" version="$2" digest="$3" dir="$4" registry="${npm_config_registry:-https://registry.npmjs.org}"
  local tarball="$dir.tgz"
  mkdir -p "$(dirname "$dir")"
  curl -fsSL --retry 3 -o "$tarball" "${registry%/}/$package/-/$package-$version.tgz"
  echo "$digest  $tarball" | sha512sum -c --quiet - || die "$package $version: the download does not match its pinned SHA-512"
  mkdir "$dir"
  tar -xzf "$tarball" -C "$dir" --strip-components=1
  rm -f "$tarball"
}

# Node.js and npm: the system's if Node.js is at least NODE_MIN_MAJOR (never replaced), else the pinned
# release in tools/node-v$NODE_VERSION, laid out as Node.js's own release archives are.
ensure_node() {
  local major
  major="$(node_major)"
  if [ -n "$major" ] && [ "$major" -ge "$NODE_MIN_MAJOR" ] && command -v npm >/dev/null 2>&1; then
    log "Node.js $(node --version) from $(command -v node)"
    return
  fi
  local dir="$REPO_ROOT/tools/node-v$NODE_VERSION" arch digest
  if [ ! -x "$dir/bin/node" ] || [ ! -e "$dir/bin/npm" ]; then
    case "$(uname -m)" in
      x86_64) arch=x64 digest="$NODE_SHA512_X64" ;;
      aarch64) arch=arm64 digest="$NODE_SHA512_ARM64" ;;
      *) die "no pinned Node.js for $(uname -m): install Node.js $NODE_MIN_MAJOR or newer with npm" ;;
    esac
    log "installing Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry into tools/ (the system's Node.js is ${major:+version }${major:-absent}; Playwright needs $NODE_MIN_MAJOR or newer)"
    rm -rf "$dir"
    fetch_npm_tarball "node-linux-$arch" "$NODE_VERSION" "$digest" "$dir"
    fetch_npm_tarball npm "$NPM_VERSION" "$NPM_SHA512" "$dir/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/bin/npx"
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
  [ "$(node_major)" -ge "$NODE_MIN_MAJOR" ] || die "Node.js in $dir does not run or is older than $NODE_MIN_MAJOR"
  log "Node.js $(node --version) and npm $(npm --version) from $dir"
}

# wasm-opt from npm's binaryen and terser (pinned in tools/package.json): Debian's binaryen is too old
# and its output fails at hydration.
ensure_npm_build_tools() {
  if ! "$REPO_ROOT/tools/node_modules/.bin/wasm-opt" --version >/dev/null 2>&1 ||
    ! "$REPO_ROOT/tools/node_modules/.bin/terser" --version >/dev/null 2>&1; then
    log "installing wasm-opt (npm binaryen) and terser"
    (cd "$REPO_ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$REPO_ROOT/tools/node_modules/.bin:$PATH"
}

# Everything needed to build the portal. Node.js comes after the Rust route, which may put /usr/bin (and
# an old Debian node there) first on PATH.
ensure_build_toolchain() {
  ensure_script_commands
  select_wasm_route
  export PATH="$CARGO_BIN:$PATH"
  if [ "$WASM_ROUTE" = debian ]; then export PATH="/usr/bin:$PATH"; fi
  ensure_node
  ensure_npm_build_tools
}
