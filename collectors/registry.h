// The collectors pymembench knows, by name. Adding a collector = one file + one line in registry.cpp.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "objects/collector.h"

namespace pmb {

struct CollectorEntry {
    std::string name;
    std::string description;
    // `options` is the text after "name:" in a collector spec (e.g. "gen:threshold0=2000").
    std::function<std::unique_ptr<Collector>(Heap& heap, const std::string& options)> make;
    // The specs `run` puts in its default matrix for this collector: the bare name, and presets
    // worth a column of their own (gen's version=3.13, today's CPython). Empty: the name alone.
    std::vector<std::string> default_matrix_options = {};
};

// The collector specs of `run`'s default matrix, in registration order: each entry's name, then
// "name:options" for each of its default_matrix_options.
std::vector<std::string> default_matrix_collectors();

// In registration order; a deque, so entries keep their addresses as entries are added.
const std::deque<CollectorEntry>& collector_registry();
// Registers one more collector; throws std::invalid_argument when its name is taken.
void add_collector(CollectorEntry entry);
// The entry for `name`, or nullptr.
const CollectorEntry* find_collector(const std::string& name);
// The entry for `name`; throws std::invalid_argument naming every accepted collector otherwise.
const CollectorEntry& collector_entry(const std::string& name);

}  // namespace pmb
