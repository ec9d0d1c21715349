"""Writes small valid traces, from the format's specification alone (workloads/trace/trace_format.h,
docs/trace-format.md): the seed corpus of the trace reader's fuzz target, and a second
implementation of the format that the test suite holds pymembench's reader to.

    /usr/bin/python3 tests/fuzz/make_seeds.py DIR

Each DIR/NAME.trace comes with DIR/NAME.expected.json: the totals its footer carries, its version
and its split by domain, which `pymembench trace-info --json` must report. Version 2 seeds mix
both domains and name threads now and then; one seed is version 1.
"""
import json
import os
import random
import struct
import sys
import zlib

MALLOC, CALLOC, REALLOC, FREE = range(4)
OBJECT, MEM = range(2)
FOOTER = ["mallocs", "callocs", "reallocs", "frees", "peak_live_bytes", "peak_live_blocks",
          "live_blocks_at_end", "live_bytes_at_end", "duration_ns", "program_start_event",
          "unknown_blocks", "exit_status"]


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


class Trace:
    """Blocks by slot: a new block takes the most recently freed slot, else the next unused one."""

    def __init__(self, chunk_events, version=2):
        self.version = version
        self.domain = OBJECT  # the domain of the events that follow (version 2)
        self.thread = None    # a thread id to name in the next event's head (version 2)
        self.sizes, self.free_slots = [], []
        self.live = self.live_bytes = self.peak_blocks = self.peak_bytes = 0
        self.counts = [0, 0, 0, 0]
        self.by_domain = [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]  # per domain: the kinds' counts, bytes requested
        self.chunks, self.payload, self.in_chunk = [], bytearray(), 0
        self.chunk_events, self.time = chunk_events, 0

    def _open(self, size):
        slot = self.free_slots.pop() if self.free_slots else len(self.sizes)
        if slot == len(self.sizes):
            self.sizes.append(None)
        self.sizes[slot] = size
        self.live += 1
        self.live_bytes += size
        self.peak_blocks = max(self.peak_blocks, self.live)
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        return slot

    def _event(self, kind, dt, *fields):
        self.time += dt
        if self.version == 1:
            head = varint(dt << 2 | kind)
        else:
            head = varint(dt << 4 | (8 if self.thread is not None else 0) | self.domain << 2 | kind)
            if self.thread is not None:
                head += varint(self.thread)
                self.thread = None
        self.payload += head + b"".join(varint(f) for f in fields)
        self.counts[kind] += 1
        self.by_domain[self.domain][kind] += 1
        if kind == MALLOC or kind == REALLOC:
            self.by_domain[self.domain][4] += fields[-1]
        elif kind == CALLOC:
            self.by_domain[self.domain][4] += fields[0] * fields[1]
        self.in_chunk += 1
        if self.in_chunk == self.chunk_events:
            self.chunks.append((bytes(self.payload), self.in_chunk))
            self.payload, self.in_chunk = bytearray(), 0

    def malloc(self, dt, size):
        self._event(MALLOC, dt, size)
        return self._open(size)

    def calloc(self, dt, nelem, elsize):
        self._event(CALLOC, dt, nelem, elsize)
        return self._open(nelem * elsize)

    def realloc(self, dt, slot, size):
        self._event(REALLOC, dt, 0 if slot is None else slot + 1, size)
        if slot is None:
            return self._open(size)
        self.live_bytes += size - self.sizes[slot]
        self.peak_bytes = max(self.peak_bytes, self.live_bytes)
        self.sizes[slot] = size
        return slot

    def free(self, dt, slot):
        self._event(FREE, dt, 0 if slot is None else slot + 1)
        if slot is not None:
            self.live -= 1
            self.live_bytes -= self.sizes[slot]
            self.sizes[slot] = None
            self.free_slots.append(slot)

    def write(self, path, meta, start_event=0, exit_status=0):
        if self.in_chunk:
            self.chunks.append((bytes(self.payload), self.in_chunk))
        totals = dict(zip(FOOTER, self.counts + [self.peak_bytes, self.peak_blocks, self.live,
                                                 self.live_bytes, self.time, start_event, 0, exit_status]))
        footer_totals = dict(totals)
        totals["version"] = self.version
        totals["domains"] = {
            name: {"events": sum(n[:4]), "mallocs": n[0], "callocs": n[1], "reallocs": n[2], "frees": n[3],
                   "bytes_requested": n[4]}
            for name, n in zip(["object", "mem"], self.by_domain)}
        text = json.dumps(meta).encode()
        out = bytearray(b"PMBTRACE" + struct.pack("<II", self.version, len(text)) + text)
        footer = struct.pack("<12Q", *(footer_totals[k] for k in FOOTER))
        for tag, (payload, count) in [(b"E", c) for c in self.chunks] + [(b"F", (footer, 0))]:
            out += tag + struct.pack("<III", len(payload), count, zlib.crc32(payload)) + payload
        with open(path, "wb") as f:
            f.write(out)
        with open(path[:-len(".trace")] + ".expected.json", "w") as f:
            json.dump(totals, f)


def random_program(seed, events, chunk_events, version=2):
    rng = random.Random(seed)
    t, live = Trace(chunk_events, version), []
    for _ in range(events):
        dt, r = rng.randrange(0, 3000), rng.random()
        t.domain = MEM if version == 2 and rng.random() < 0.3 else OBJECT
        if version == 2 and rng.random() < 0.02:
            t.thread = rng.randrange(0, 1 << 32)
        if not live or r < 0.4:
            live.append(t.malloc(dt, rng.choice([0, 1, 16, 24, 32, 48, 64, 100, 512, 513, 4096, 70000])))
        elif r < 0.45:
            live.append(t.calloc(dt, rng.randrange(0, 10), rng.choice([1, 8, 16])))
        elif r < 0.55:
            live.append(t.realloc(dt, None, rng.randrange(1, 300)))
        elif r < 0.65:
            t.realloc(dt, rng.choice(live), rng.randrange(0, 2000))
        elif r < 0.68:
            t.free(dt, None)
        else:
            t.free(dt, live.pop(rng.randrange(len(live))))
    return t


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    meta = {"python_version": "3.11 (seed)", "command": ["seed.py"], "domains": ["object", "mem"]}
    Trace(1).write(os.path.join(out, "empty.trace"), meta)
    one = Trace(1)
    one.free(5, one.malloc(10, 32))
    one.write(os.path.join(out, "one_block.trace"), {}, start_event=1, exit_status=3)
    random_program(1, 40, 7).write(os.path.join(out, "mixed_small_chunks.trace"), meta, start_event=5)
    random_program(2, 400, 1000).write(os.path.join(out, "mixed.trace"), meta)
    random_program(3, 3000, 512).write(os.path.join(out, "mixed_large.trace"), meta, start_event=100)
    random_program(4, 400, 100, version=1).write(os.path.join(out, "version1.trace"),
                                                  {"python_version": "3.11 (seed)", "domain": "object"})


if __name__ == "__main__":
    main()
