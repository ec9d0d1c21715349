"""Runs a Python program as plain `python3.11 PROG.py args..` would, with the cycle collector
disabled from before its first line, and reports the cyclic garbage one gc.collect() then finds:
the reference the `rc` collector's leaked_objects is checked against.

    /usr/bin/python3.11 bench/plain_interpreter.py STATS_OUT PROG.py [args..]

Nothing is imported before the program that start-up has not imported already (gc and sys are
built in, os comes with site), so the program's imports make the same garbage as in a plain run.
The program runs in this launcher's own __main__ namespace (sys.argv, sys.path[0] and __file__
as python3.11 sets them), so nothing it defines becomes garbage when it ends. STATS_OUT gets
{"leaked": N}.
"""
import gc
import os
import sys

gc.disable()
_stats_out, _program = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.realpath(_program))
__file__ = _program
with open(_program, "rb") as _source:
    _code = compile(_source.read(), _program, "exec")
del _source
exec(_code)
_leaked = gc.collect()
with open(_stats_out, "w") as _out:
    _out.write('{"leaked": %d}\n' % _leaked)
