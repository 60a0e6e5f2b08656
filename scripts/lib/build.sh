# shellcheck shell=bash
# Sourced after toolchain.sh (and its ensure_build_toolchain): builds the portal. Two parts:
# - the native release build of the server (scripts/run);
# - the site in target/site: the page bundles (the `frontend` crate for wasm32, once per bundle with that
#   bundle's feature, then its JavaScript glue from tools/site-bindgen, wasm-opt and terser), the site
#   script (frontend/site.js), the stylesheet and the public files, each browser file named by its
#   content hash (so it can be cached for a year), listed in target/site/hash.txt, and stored gzip and
#   brotli compressed beside it.
# This is what cargo-leptos did for this project, in a page of shell: compiling cargo-leptos took 30 of
# the 98 minutes of a first test run on 2 cores.

SITE_DIR="$REPO_ROOT/target/site"
SITE_NAME="portal"

build_native_release() {
  log "building the server and the payment sandbox (release)"
  (cd "$REPO_ROOT" && cargo build --locked --release -p server -p payment-sandbox)
}

# The payment sandbox (a separate process that speaks HTTP as a payment gateway does) on a free port,
# for demo mode and the tests; sets SANDBOX_URL, SANDBOX_PID, and the PORTAL_PAYMENTS__* variables that
# point the portal at it. $1 is the binary, $2 its log file.
start_payment_sandbox() {
  local port
  port="$(free_loopback_port)"
  export SANDBOX_URL="http://127.0.0.1:$port" SANDBOX_API_KEY="sandbox-api-key-$RANDOM$RANDOM"
  export SANDBOX_NOTIFICATION_SECRET="sandbox-notification-secret-$RANDOM$RANDOM"
  SANDBOX_ADDRESS="127.0.0.1:$port" "$1" >"$2" 2>&1 &
  SANDBOX_PID=$!
  wait_for_http "$SANDBOX_URL/healthz" "$SANDBOX_PID" "$2"
  export PORTAL_PAYMENTS__PROVIDER_URL="$SANDBOX_URL" PORTAL_PAYMENTS__API_KEY="$SANDBOX_API_KEY"
  export PORTAL_PAYMENTS__NOTIFICATION_SECRET="$SANDBOX_NOTIFICATION_SECRET"
}

# The wasm32 build has a target directory of its own so that it can run beside a native build (cargo
# locks a target directory for the whole of a build). Host-side crates (proc macros, build scripts)
# are built per profile anyway, so nothing is compiled twice for it.
FRONT_TARGET_DIR="$REPO_ROOT/target/front"
# The page bundles: each is the `frontend` crate built with the feature of that name, holding only the
# islands of its page (app/src/ui/islands.rs names them too).
BUNDLES=(report-form follow-up participation procurement)
# Where each bundle's WebAssembly is kept between its build and the site's assembly (every build of the
# crate writes the same frontend.wasm).
bundle_wasm() { echo "$FRONT_TARGET_DIR/bundles/$1.wasm"; }

# The glue generator, built for this machine in the same target directory (dev profile: it runs for
# seconds, once per build).
SITE_BINDGEN="$FRONT_TARGET_DIR/debug/site-bindgen"
build_site_bindgen() {
  log "building site-bindgen (the wasm-bindgen library at the version in Cargo.lock)"
  (cd "$REPO_ROOT" && cargo build --locked -p site-bindgen --target-dir "$FRONT_TARGET_DIR")
}

build_frontend_wasm() {
  local bundle
  mkdir -p "$FRONT_TARGET_DIR/bundles"
  for bundle in "${BUNDLES[@]}"; do
    log "building the browser code of the $bundle page (frontend crate, wasm32, profile wasm-release)"
    (cd "$REPO_ROOT" && cargo build --locked -p frontend --lib --features "$bundle" --target wasm32-unknown-unknown \
      --profile wasm-release --target-dir "$FRONT_TARGET_DIR" "${WASM_CARGO_ARGS[@]}")
    cp "$FRONT_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm" "$(bundle_wasm "$bundle")"
  done
}

# On 2 cores one cargo build leaves a core idle for minutes at a time (a big crate's codegen, a link,
# LTO); scripts/test fills those gaps by compiling site-bindgen and the browser code in the background
# while the Rust tests build. Its output goes to a log, shown if it fails.
FRONT_LOG="$REPO_ROOT/target/front-build.log"
FRONT_PID=""
start_frontend_in_background() {
  mkdir -p "$REPO_ROOT/target"
  log "compiling site-bindgen and the browser code in the background (log: target/front-build.log)"
  ( build_site_bindgen && build_frontend_wasm ) >"$FRONT_LOG" 2>&1 &
  FRONT_PID=$!
}

# Stops the background build and the cargo and rustc processes under it (on an early exit).
stop_frontend_in_background() {
  [ -n "$FRONT_PID" ] || return 0
  kill_tree "$FRONT_PID"
  wait "$FRONT_PID" 2>/dev/null || true
  FRONT_PID=""
}

kill_tree() {
  local child
  for child in $(pgrep -P "$1" || true); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

finish_frontend_in_background() {
  local started=$SECONDS status=0
  wait "$FRONT_PID" || status=$?
  FRONT_PID=""
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$FRONT_LOG" >&2
    die "the background build of the browser code failed (above; whole log: target/front-build.log)"
  fi
  grep -a "==>" "$FRONT_LOG" >&2 || true
  log "the background build had $((SECONDS - started)) s left when the foreground finished"
}

# content_hash FILE: the first 20 hex digits of its SHA-256, which names it.
content_hash() { sha256sum "$1" | cut -c1-20; }

# hash_into NAME EXT DIR: renames DIR/NAME.EXT to DIR/NAME.<hash>.EXT and records the hash for hash.txt
# (and in LAST_HASH).
HASH_LINES=()
LAST_HASH=""
hash_into() {
  LAST_HASH="$(content_hash "$3/$1.$2")"
  mv "$3/$1.$2" "$3/$1.$LAST_HASH.$2"
  HASH_LINES+=("$1.$2: $LAST_HASH")
}

# Writes the site into a new directory and swaps it in, so a running server never sees half a site.
assemble_site() {
  local started=$SECONDS staging pkg bundle css_hash file
  log "assembling the site in target/site"
  staging="$(mktemp -d "$REPO_ROOT/target/site.new.XXXXXX")"
  pkg="$staging/pkg"
  HASH_LINES=()
  for bundle in "${BUNDLES[@]}"; do
    # --target web: an ES module the site script imports; TypeScript declarations are not served.
    "$SITE_BINDGEN" "$(bundle_wasm "$bundle")" "$pkg" "$bundle"
    # The same passes cargo-leptos ran: smallest code; the two features every browser we support has.
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$pkg/${bundle}_bg.wasm" -o "$pkg/$bundle.wasm"
    rm "$pkg/${bundle}_bg.wasm"
    hash_into "$bundle" wasm "$pkg"
    # The glue's default URL of the module names it, so it follows the rename (the site script passes
    # the URL explicitly too).
    sed -i "s/${bundle}_bg\.wasm/$bundle.$LAST_HASH.wasm/g" "$pkg/$bundle.js"
    terser "$pkg/$bundle.js" --module --compress --mangle --output "$pkg/$bundle.min.js"
    mv "$pkg/$bundle.min.js" "$pkg/$bundle.js"
    hash_into "$bundle" js "$pkg"
  done
  terser "$REPO_ROOT/frontend/site.js" --module --compress --mangle --output "$pkg/site.js"
  hash_into site js "$pkg"
  css_hash="$(content_hash "$REPO_ROOT/style/main.css")"
  cp "$REPO_ROOT/style/main.css" "$pkg/$SITE_NAME.$css_hash.css"
  cp -R "$REPO_ROOT/public/." "$staging/"
  # Leptos's format (its stylesheet component reads `css`), and the server's (site.js and the bundles).
  printf '%s\n' "css: $css_hash" "${HASH_LINES[@]}" >"$staging/hash.txt"
  # Precompressed copies, which the server sends to browsers that accept them.
  find "$staging" -type f ! -name hash.txt -print0 | while IFS= read -r -d '' file; do
    gzip -9 -n -k "$file"
    brotli -q 11 -k "$file"
  done
  chmod -R a+rX "$staging"
  rm -rf "$SITE_DIR.old"
  [ -e "$SITE_DIR" ] && mv "$SITE_DIR" "$SITE_DIR.old"
  mv "$staging" "$SITE_DIR"
  rm -rf "$SITE_DIR.old"
  log "site assembled in $((SECONDS - started)) s"
}

# The release build of everything scripts/run serves and scripts/test drives.
build_release() {
  local started=$SECONDS
  build_site_bindgen
  build_frontend_wasm
  assemble_site
  build_native_release
  log "release build finished in $((SECONDS - started)) s"
}
