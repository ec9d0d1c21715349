# Warnings and sanitizers for project code, as one interface target every project target links.
add_library(pmb_options INTERFACE)
# -Wno-restrict: GCC 12 reports a false overlap in libstdc++'s operator+(const char*, std::string)
# at -O3 (GCC bug 105329).
target_compile_options(pmb_options INTERFACE -Wall -Wextra -Werror -Wno-error=unused-parameter -Wno-restrict)
if(PMB_SANITIZE)
  target_compile_definitions(pmb_options INTERFACE PMB_SANITIZER_BUILD)
endif()

# pmb_layer(NAME SOURCES .. DEPENDS ..): the folder NAME as the static library pmb_NAME. Its
# sources and its users see the headers of NAME and of the layers it depends on, and no others:
# each layer's folder is reachable only through build/layers/NAME/NAME (a link to the folder), and
# the source tree itself is on no layer's include path, so an include that points up the stack,
# or at a layer not declared, fails to compile. docs/architecture.md draws the layers.
function(pmb_layer name)
  cmake_parse_arguments(LAYER "" "" "SOURCES;DEPENDS" ${ARGN})
  set(staged ${PROJECT_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${staged})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${name} ${staged}/${name} SYMBOLIC)
  add_library(pmb_${name} STATIC ${LAYER_SOURCES})
  target_include_directories(pmb_${name} PUBLIC ${staged})
  target_link_libraries(pmb_${name} PUBLIC pmb_options ${LAYER_DEPENDS})
endfunction()

if(PMB_SANITIZE)
  # Applied globally so that every translation unit, tests included, is instrumented alike.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
