# Warnings and sanitizers for project code, as one interface target every project target links.
add_library(pmb_options INTERFACE)
# -Wno-restrict: GCC 12 reports a false overlap in libstdc++'s operator+(const char*, std::string)
# at -O3 (GCC bug 105329).
target_compile_options(pmb_options INTERFACE -Wall -Wextra -Werror -Wno-error=unused-parameter -Wno-restrict)
target_include_directories(pmb_options INTERFACE ${PROJECT_SOURCE_DIR})

if(PMB_SANITIZE)
  # Applied globally so that every translation unit, tests included, is instrumented alike.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
