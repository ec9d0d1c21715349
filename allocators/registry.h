// The allocator backends pymembench knows, by name.
//
// A spec on the command line is "name" or "name:options" (e.g. "pool:pool_size=4K:arena_size=256K",
// "preload:/usr/lib/x86_64-linux-gnu/libfoo.so"). Backends whose library replaces the C library's
// malloc for the whole process (mimalloc, jemalloc, tcmalloc and any preload:) are never linked
// into pymembench: the harness starts their runs with LD_PRELOAD set to the library, so each run
// uses exactly the allocator it names, and the backend checks at start-up that `malloc` really
// resolves into that library.
//
// Adding a backend = one file + one entry in registry.cpp.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "allocators/allocator.h"

namespace pmb {

struct AllocatorEntry {
    std::string name;
    std::string description;
    // `options` is the text after "name:" in the spec; throws std::invalid_argument when bad.
    std::function<std::unique_ptr<Allocator>(const std::string& options)> make;
    // Checks the options without creating anything (the harness does this before any run starts);
    // throws std::invalid_argument when bad.
    std::function<void(const std::string& options)> check;
    // Shared object to put in the run's LD_PRELOAD for this spec ("" when none is needed).
    std::function<std::string(const std::string& options)> preload;
    // In `run`'s default matrix ("all"); false for entries that need options to mean anything.
    bool in_default_matrix = true;
    // How to write a spec, where the name alone is not one (e.g. "preload:PATH"); "" otherwise.
    std::string usage = "";
};

struct AllocatorSpec {
    std::string name;     // registry name, e.g. "pool"
    std::string options;  // text after the first ':' ("" when none)
    std::string text;     // the spec as written
};

AllocatorSpec parse_allocator_spec(const std::string& text);
// In registration order; a deque, so entries keep their addresses as entries are added.
const std::deque<AllocatorEntry>& allocator_registry();
// Registers one more backend (a test's, or an embedding program's); throws std::invalid_argument
// when its name is taken. Runs in child processes see it only when they are this program too.
void add_allocator(AllocatorEntry entry);
const AllocatorEntry* find_allocator(const std::string& name);
// The entry for `name`; throws std::invalid_argument naming every accepted spec otherwise.
const AllocatorEntry& allocator_entry(const std::string& name);
// Every entry's name (or usage), comma-separated, for error messages.
std::string accepted_allocators();

}  // namespace pmb
