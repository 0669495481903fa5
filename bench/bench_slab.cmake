# bench_slab compares against jemalloc and mimalloc (Debian: libjemalloc-dev,
# libmimalloc-dev).  Both are linked as shared libraries; jemalloc's malloc
# then interposes in this binary, so the benchmark reaches glibc's allocator
# through __libc_malloc/__libc_free.  Without the libraries the benchmark is
# left out of the default build.
find_library(BENCH_JEMALLOC_LIB jemalloc)
find_library(BENCH_MIMALLOC_LIB mimalloc)
find_path(BENCH_JEMALLOC_INC jemalloc/jemalloc.h)
find_path(BENCH_MIMALLOC_INC mimalloc.h)
if(BENCH_JEMALLOC_LIB AND BENCH_MIMALLOC_LIB AND BENCH_JEMALLOC_INC AND BENCH_MIMALLOC_INC)
  target_include_directories(bench_slab PRIVATE ${BENCH_JEMALLOC_INC} ${BENCH_MIMALLOC_INC})
  target_link_libraries(bench_slab PRIVATE ${BENCH_JEMALLOC_LIB} ${BENCH_MIMALLOC_LIB})
else()
  message(STATUS "bench_slab: jemalloc or mimalloc not found (libjemalloc-dev, libmimalloc-dev): not built")
  set_target_properties(bench_slab PROPERTIES EXCLUDE_FROM_ALL TRUE)
endif()
