# Shared by scripts/run and scripts/test: install what is missing, build what is stale.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${JOBS:-2}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages that are not installed yet; quick when nothing is missing.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# What every native build needs.
NATIVE_PACKAGES=(cmake ninja-build g++ make doctest-dev nlohmann-json3-dev)
# The WebAssembly build and its Node tests; the browser tests' Chromium.
WASM_PACKAGES=(emscripten node-acorn)
BROWSER_PACKAGES=(chromium fonts-dejavu-core)

# Node.js and npm from Debian, unless a node is already on the PATH.
ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then ensure_packages nodejs npm; fi
}

# npm packages the build and tests use (tools/package.json), installed from the lock file.
ensure_npm_tools() {
  ensure_node
  local stamp="$ROOT/tools/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/tools/package-lock.json" -nt "$stamp" ]; then
    say "installing npm tools (tools/package.json)"
    (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

# Configures (once) and builds a CMake preset.
build_preset() {
  local preset=$1
  if [ ! -f "$ROOT/build/$preset/build.ninja" ]; then
    say "configuring $preset"
    (cd "$ROOT" && cmake --preset "$preset" >/dev/null)
  fi
  say "building $preset"
  (cd "$ROOT" && cmake --build --preset "$preset" -j "$JOBS")
}
