#!/usr/bin/env bash
# Fuzzes the trace reader (tests/fuzz/trace_reader_fuzz.cpp) with libFuzzer under ASan + UBSan:
# installs Clang if missing, builds the target in build-fuzz/, writes the seed corpus
# (tests/fuzz/make_seeds.py), and runs for SECONDS (default 60; the issue's acceptance run is 600).
# Exit code: 0 when nothing was found, non-zero (libFuzzer's) with the crashing input saved in
# build-fuzz/findings/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
scripts/setup.sh build > /dev/null   # the same dependencies; also checks the main build
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
        -DCMAKE_CXX_COMPILER=clang++-14 -DPMB_FUZZ=ON -DPMB_BUILD_TESTS=OFF -DPMB_BUILD_BENCH=OFF > /dev/null
fi
cmake --build build-fuzz -j2 --target pmb_trace_fuzz
rm -rf build-fuzz/seeds
mkdir -p build-fuzz/corpus build-fuzz/findings
/usr/bin/python3 tests/fuzz/make_seeds.py build-fuzz/seeds
rm -f build-fuzz/seeds/*.json
echo "fuzz: the trace reader for ${SECONDS_TO_RUN} s" >&2
build-fuzz/tests/fuzz/pmb_trace_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/findings/ \
  build-fuzz/corpus build-fuzz/seeds
