"""The layers are enforced by the build: a source file of each layer can include the headers of the
layers below it and of its own, and no others (docs/architecture.md; cmake/ProjectOptions.cmake,
pmb_layer).

For every layer, a file is compiled (syntax only) with the exact command line the build uses for
one of that layer's own sources, once per layer's representative header; the ones the layer may use
must compile and every other must fail to be found.

    /usr/bin/python3 tests/layers/layer_rules.py BUILD_DIR SOURCE_DIR
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

# Each layer and a header that stands for it.
HEADERS = {
    "measure": "measure/clock.h",
    "reporters": "reporters/reporter.h",
    "allocators": "allocators/allocator.h",
    "objects": "objects/heap.h",
    "collectors": "collectors/registry.h",
    "workloads": "workloads/registry.h",
    "results": "results/results_file.h",
    "harness": "harness/single_run.h",
    "commands": "commands/command.h",
}
# What each layer may use, itself included.
MAY_USE = {
    "measure": {"measure"},
    "reporters": {"reporters"},
    "allocators": {"measure", "allocators"},
    "objects": {"measure", "allocators", "objects"},
    "collectors": {"measure", "allocators", "objects", "collectors"},
    "workloads": {"measure", "allocators", "objects", "collectors", "workloads"},
    "results": {"results", "reporters"},
    "harness": set(HEADERS) - {"commands"},
    "commands": set(HEADERS),
}


def command_for(entries, source_dir, layer):
    """The build's command line for one source file directly in the layer's folder."""
    folder = os.path.join(source_dir, layer) + os.sep
    for e in entries:
        f = os.path.realpath(e["file"])
        if f.startswith(os.path.realpath(folder)) and os.path.dirname(f) == os.path.realpath(folder):
            args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
            return e["directory"], args, e["file"]
    sys.exit("no compile command for a source of %s/" % layer)


def compiles(directory, args, source, probe_dir, layer, header):
    probe = os.path.join(probe_dir, "%s_includes_%s.cpp" % (layer, header.split("/")[0]))
    with open(probe, "w") as f:
        f.write('#include "%s"\n' % header)
    out = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a == "-c" or os.path.realpath(a) == os.path.realpath(source):
            continue
        out.append(a)
    r = subprocess.run(out + ["-fsyntax-only", probe], cwd=directory, capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def main():
    build_dir, source_dir = sys.argv[1], sys.argv[2]
    entries = json.load(open(os.path.join(build_dir, "compile_commands.json")))
    failures = []
    with tempfile.TemporaryDirectory() as probe_dir, concurrent.futures.ThreadPoolExecutor(2) as pool:
        jobs = {}
        for layer in HEADERS:
            directory, args, source = command_for(entries, source_dir, layer)
            for other, header in HEADERS.items():
                jobs[(layer, other)] = pool.submit(compiles, directory, args, source, probe_dir, layer, header)
        for (layer, other), job in jobs.items():
            ok, err = job.result()
            allowed = other in MAY_USE[layer]
            if ok != allowed:
                failures.append("%s including %s: %s%s" % (layer, HEADERS[other],
                                "compiled, but the layer may not use it" if ok else "failed, but it is allowed",
                                "" if ok else "\n" + err[:400]))
    for f in failures:
        print(f)
    print("%d layers x %d headers: %d wrong" % (len(HEADERS), len(HEADERS), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
