/* python3.11 over the shared libpython3.11: the interpreter's own main (Py_BytesMain) and nothing
 * else, linked against the library pymembench embeds. Debian's /usr/bin/python3.11 is linked
 * statically; running a program with both says what the shared library itself costs, apart from
 * anything pymembench adds (bench/real_programs.py). */
#include <Python.h>

int main(int argc, char** argv) { return Py_BytesMain(argc, argv); }
