# Finds every third-party dependency among the system's (Debian's) packages. Nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)                 # crc32 of trace chunks
find_package(absl REQUIRED CONFIG)          # flat_hash_map: the trace recorder's pointer -> slot map
# The system's Python (Debian's python3.11 and libpython3.11), not whichever python3 is first on
# PATH: it is the interpreter the project measures against and the one that sees Debian's
# python3-matplotlib. Override with -DPython3_EXECUTABLE=... to measure another build.
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3.11)
  set(Python3_EXECUTABLE /usr/bin/python3.11)
endif()
find_package(Python3 3.11 EXACT REQUIRED COMPONENTS Interpreter Development.Embed)
if(PMB_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(PMB_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)
endif()

# Malloc libraries that replace the process's malloc. They are never linked into pymembench: the
# harness preloads the one a run names (allocators/registry.h explains why), so only their paths
# are needed, resolved to the real shared object.
find_package(mimalloc REQUIRED CONFIG)
pkg_check_modules(JEMALLOC REQUIRED jemalloc)
pkg_check_modules(TCMALLOC REQUIRED libtcmalloc_minimal)
find_library(PMB_JEMALLOC_SO NAMES jemalloc HINTS ${JEMALLOC_LIBRARY_DIRS} REQUIRED)
find_library(PMB_TCMALLOC_SO NAMES tcmalloc_minimal HINTS ${TCMALLOC_LIBRARY_DIRS} REQUIRED)
file(REAL_PATH "${PMB_JEMALLOC_SO}" PMB_JEMALLOC_LIBRARY)
file(REAL_PATH "${PMB_TCMALLOC_SO}" PMB_TCMALLOC_LIBRARY)
