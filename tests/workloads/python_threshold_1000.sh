#!/bin/sh
# A Python 3.11 whose generation-0 threshold is 1000 instead of 700: the twin it runs disagrees
# with the model on purpose (tests/workloads/validate_test.cpp).
exec /usr/bin/python3.11 -c 'import gc, runpy, sys; gc.set_threshold(1000, 10, 10); sys.argv = sys.argv[1:]; sys.path.insert(0, __import__("os").path.dirname(sys.argv[0])); runpy.run_path(sys.argv[0], run_name="__main__")' "$@"
