#!/usr/bin/env bash
# Real programs in the real interpreter (bench/real_programs.py): the python workload's wall time
# against plain python3.11 with each allocator switch (Debian's static /usr/bin/python3.11, and
# python3.11's main over the shared libpython3.11 pymembench embeds), pool against cpython, and
# its collector counts against the interpreter's own, for the programs of workloads/python/real/.
#   scripts/bench-real.sh [ROUNDS] [PROG.py ..]      defaults: 7, every program at its default scale
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build >/dev/null
ROUNDS="${1:-7}"
shift || true
programs=("$@")
[ ${#programs[@]} -eq 0 ] && programs=(workloads/python/real/*.py)
/usr/bin/python3 bench/real_programs.py build/pymembench build/bench/pmb_python_main "$ROUNDS" "${programs[@]}"
