# Warnings and sanitizers for project code, as one interface target every project target links.
add_library(pmb_options INTERFACE)
target_compile_options(pmb_options INTERFACE -Wall -Wextra -Werror -Wno-error=unused-parameter)
target_include_directories(pmb_options INTERFACE ${PROJECT_SOURCE_DIR})

if(PMB_SANITIZE)
  # Applied globally so that every translation unit, tests included, is instrumented alike.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
