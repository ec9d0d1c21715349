// Checks of numeric options with one-line errors that say what is accepted ("--timeout: -3 is not
// accepted: a number of seconds, 0 or more"), in place of CLI11's ranges, whose message prints
// the whole double range.
#pragma once

#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

namespace pmb {

// A number >= `min` (integers only when `integer`); `what` names the accepted values.
inline CLI::Validator number_at_least(double min, bool integer, const std::string& what) {
    return CLI::Validator(
        [min, integer, what](std::string& text) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            const bool whole = end != text.c_str() && *end == '\0';
            if (!whole || !(v >= min) || (integer && v != static_cast<double>(static_cast<long long>(v))))
                return text + " is not accepted: " + what;
            return "";
        },
        what);
}

}  // namespace pmb
