# Shared by scripts/run and scripts/test: install what is missing, build what is stale.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${JOBS:-2}

# Bold only on a terminal, and never with NO_COLOR set (https://no-color.org): CI logs and
# pipes get plain text.
say() {
  if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then printf '\033[1m==> %s\033[0m\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi
}

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
# (time: /usr/bin/time measures the memory of the hostile-input test.)
NATIVE_PACKAGES=(cmake ninja-build g++ make doctest-dev nlohmann-json3-dev time)
# The WebAssembly build and its Node tests; the browser tests' Chromium.
WASM_PACKAGES=(emscripten node-acorn)
BROWSER_PACKAGES=(chromium fonts-dejavu-core)
# clang-14 with libFuzzer and its sanitizer runtimes: the fuzz targets (tests/fuzz).
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)
# The native playground (GLFW + OpenGL 3) and its screenshot under a virtual display; the
# playground's typeface (Inter), embedded into both builds at build time.
PLAYGROUND_PACKAGES=(libglfw3-dev libgl-dev xvfb xauth fonts-inter)
# `ripen serve`: HTTP (cpp-httplib), storage (SQLite; its shell builds old databases in tests and
# the year-of-leads benchmark), webhooks (libcurl), token hashing and
# webhook signatures (libsodium).
SERVER_PACKAGES=(pkg-config libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev libsodium-dev)

# Dear ImGui's sources (imgui*.cpp and backends/) come from Debian's `imgui` source package,
# unpacked under build/deps: the binary package has headers and a native library only, and the
# WebAssembly build needs the sources. Both playground builds compile the same sources.
IMGUI_DIR="$ROOT/build/deps/imgui"
ensure_imgui_sources() {
  [ -f "$IMGUI_DIR/imgui.cpp" ] && [ -f "$IMGUI_DIR/backends/imgui_impl_glfw.cpp" ] && return 0
  say "fetching Dear ImGui's sources (Debian source package imgui)"
  if ! grep -rqs "deb-src" /etc/apt/sources.list.d/ /etc/apt/sources.list; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | as_root tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  local work="$ROOT/build/deps/download"
  rm -rf "$work" && mkdir -p "$work"
  (cd "$work" && apt-get source --download-only -q imgui)
  local tarball
  tarball=$(ls "$work"/imgui_*.orig.tar.* | head -1)
  rm -rf "$IMGUI_DIR" && mkdir -p "$IMGUI_DIR"
  tar -xf "$tarball" -C "$IMGUI_DIR" --strip-components=1
  [ -f "$IMGUI_DIR/imgui.cpp" ] || { echo "imgui.cpp not found in $tarball" >&2; return 1; }
}

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
