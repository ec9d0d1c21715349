// The recorder's allocation hooks: CPython 3.11's object domain (PyObject_Malloc and friends) and
// mem domain (PyMem_Malloc and friends), both served by pymalloc, wrapped with PyMem_SetAllocator
// so that each call goes to the original allocator and then, when it succeeded, becomes an event
// of the trace (trace_format.h) tagged with its domain. Used by both recorders: the embedded one
// (trace_recorder.h) and the agent preloaded into python3.11 (harness/agent_recording.h).
//
// Event times are nanoseconds since start_recording, from the op clock read every 16th event (a
// TSC read costs about as much as the rest of an event's recording): the events between share the
// last reading, so times have a resolution of about a microsecond; the duration is exact. Blocks
// are known by address -> slot and size (address_slots.h), held outside the domains recorded, so
// a free or realloc finds both in one cache line and the writer keeps no table by slot.
//
// The raw domain (PyMem_RawMalloc: the C library's malloc in 3.11, callable without the GIL, and
// where pymalloc itself sends requests above 512 bytes) is not recorded: hooking it would record
// those large blocks twice and need a lock the program does not take.
//
// Invariants: one recording per process; the object and mem domains are only ever called with the
// GIL held, so the hooks need no lock; the hooks stay installed for the process's life (the
// interpreter frees through them), forwarding only once the recording stopped; a child the program
// forks stops recording at the fork and never writes to the trace.
#pragma once

#include <cstdint>

#include "measure/op_clock.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {

// Installs the hooks on both domains and starts recording into `writer`, whose events are timed by
// `clock`; both must outlive stop_recording(). Call before the interpreter's first allocation
// (after pre-initialization, where PYTHONMALLOC is applied), at most once per process.
void start_recording(TraceWriter& writer, const OpClock& clock);

// Stops recording (later calls are forwarded only) and fills the ending's duration (exact) and
// its count of blocks freed or reallocated that were made before recording began.
void stop_recording(TraceWriter::Ending& ending);

}  // namespace pmb::trace
