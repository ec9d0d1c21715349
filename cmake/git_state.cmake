# Writes OUTPUT, a header with the source tree's git commit and whether tracked files differ from
# it, as of this build, rewriting the file only when that changed (so a build recompiles one
# file, and only then). Run at every build: cmake -DSOURCE_DIR=.. -DOUTPUT=.. -P git_state.cmake
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse HEAD RESULT_VARIABLE rc OUTPUT_VARIABLE commit
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT rc EQUAL 0 OR NOT commit MATCHES "^[0-9a-f]+$")
  set(commit "unknown")
endif()
execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no RESULT_VARIABLE rc
                OUTPUT_VARIABLE changes ERROR_QUIET)
if(rc EQUAL 0 AND NOT changes STREQUAL "")
  set(dirty "true")
else()
  set(dirty "false")
endif()
file(WRITE "${OUTPUT}.new"
"// Generated at build time by cmake/git_state.cmake: the source tree this binary was built from.
#pragma once

namespace pmb {
inline constexpr const char* kGitCommit = \"${commit}\";  // \"unknown\" outside a git checkout
inline constexpr bool kGitDirty = ${dirty};              // tracked files differed from the commit
}  // namespace pmb
")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
