#!/usr/bin/env bash
# Installs what pymembench needs from Debian's packages (only what is missing) and builds it.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]
# Idempotent: with everything installed and built it only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config git
  libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libbenchmark-tools
  libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev
  zlib1g-dev libabsl-dev
  python3.11 libpython3.11-dev python3-matplotlib python3-numpy python3-scipy
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

BUILD_DIR="${1:-build}"
shift || true
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake -S . -B "$BUILD_DIR" "$@"
fi
cmake --build "$BUILD_DIR" -j2
