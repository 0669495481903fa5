# unicorn.cmake - the Unicorn CPU engine for `mmkit exec` (issue 21).
#
# Unicorn 2.1 (QEMU's TCG as a library) runs real x86-64 programs on the
# simulated machine (arch/x86/unicorn_cpu.c).  Order of preference:
#   1. a system libunicorn >= 2.1 found by pkg-config (Debian 12's 2.0.1 is
#      refused: it ignores the PTE's frame and never flushes its TLB on a CR3
#      write; docs/ARCHITECTURE.md "The Unicorn CPU");
#   2. Unicorn 2.1.4 built once, x86 only, into MMKIT_UNICORN_CACHE (under the
#      source's build/ directory by default, shared by every preset: building
#      it takes about a minute on 2 cores) from MMKIT_UNICORN_SOURCE, a tarball
#      (sha256-checked) or a source directory; by default the tarball in
#      /work/shared/third_party or ../shared/third_party;
#   3. online, FetchContent from upstream, pinned to the 2.1.4 commit.
# Unicorn itself is always built as a plain Release library, without the
# sanitizers of the preset.  Nothing of Unicorn is written into the source
# tree.  Without Unicorn (MMKIT_UNICORN=OFF, or none of the above works) the
# rest of mmkit builds and tests as before and `mmkit exec` says how to
# enable it.  Result: MMKIT_HAVE_UNICORN and the target mmkit_unicorn.
option(MMKIT_UNICORN "build the Unicorn CPU for mmkit exec (issue 21)" ON)
set(MMKIT_UNICORN_SOURCE "" CACHE STRING "Unicorn 2.1.4 source: a .tar.gz or a directory")
set(MMKIT_UNICORN_CACHE "${CMAKE_SOURCE_DIR}/build/_unicorn-2.1.4" CACHE PATH
    "where the private Unicorn build is kept (shared by the presets)")
option(MMKIT_UNICORN_FETCH "download Unicorn 2.1.4 when no local source is found" ON)
set(MMKIT_UNICORN_SHA256 3ba74444ccc4787854b8c844e7fe0ab752ba0a9d5205b9654c9e0973548a535c)
set(MMKIT_UNICORN_COMMIT 8028ec436f2d9376525352dd38ed9ed6b9f6be10)
set(MMKIT_HAVE_UNICORN OFF)

function(mmkit_unicorn_build src prefix)
  set(bdir "${MMKIT_UNICORN_CACHE}/build")
  message(STATUS "Unicorn: building 2.1.4 (x86 only) from ${src} into ${prefix}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${src}" -B "${bdir}" -G "Unix Makefiles"
                    -DCMAKE_BUILD_TYPE=Release -DUNICORN_ARCH=x86 -DBUILD_SHARED_LIBS=OFF
                    -DUNICORN_LEGACY_STATIC_ARCHIVE=ON -DUNICORN_BUILD_TESTS=OFF
                    -DUNICORN_INSTALL=ON -DCMAKE_INSTALL_PREFIX=${prefix}
                    -DCMAKE_C_COMPILER=gcc -DCMAKE_POSITION_INDEPENDENT_CODE=ON
                  RESULT_VARIABLE rc OUTPUT_FILE "${MMKIT_UNICORN_CACHE}/configure.log"
                  ERROR_FILE "${MMKIT_UNICORN_CACHE}/configure.log")
  if(rc EQUAL 0)
    execute_process(COMMAND ${CMAKE_COMMAND} --build "${bdir}" -j 2 --target install
                    RESULT_VARIABLE rc OUTPUT_FILE "${MMKIT_UNICORN_CACHE}/build.log"
                    ERROR_FILE "${MMKIT_UNICORN_CACHE}/build.log")
  endif()
  if(NOT rc EQUAL 0)
    message(WARNING "Unicorn: the build failed (${MMKIT_UNICORN_CACHE}/*.log); mmkit exec is disabled")
  endif()
endfunction()

# The first source that exists: MMKIT_UNICORN_SOURCE, then the shared tarball.
function(mmkit_unicorn_find_source out)
  set(cands "${MMKIT_UNICORN_SOURCE}")
  if(NOT MMKIT_UNICORN_SOURCE)
    set(cands /work/shared/third_party/unicorn-2.1.4.tar.gz
              "${CMAKE_SOURCE_DIR}/../shared/third_party/unicorn-2.1.4.tar.gz"
              "${CMAKE_SOURCE_DIR}/../../shared/third_party/unicorn-2.1.4.tar.gz")
  endif()
  foreach(c ${cands})
    if(EXISTS "${c}")
      set(${out} "${c}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  if(MMKIT_UNICORN_SOURCE)
    message(WARNING "Unicorn: MMKIT_UNICORN_SOURCE=${MMKIT_UNICORN_SOURCE} does not exist")
  endif()
  set(${out} "" PARENT_SCOPE)
endfunction()

# Unpack (tarball: sha256 first) or take a directory; "" when unusable.
function(mmkit_unicorn_unpack src out)
  set(${out} "" PARENT_SCOPE)
  if(IS_DIRECTORY "${src}")
    set(${out} "${src}" PARENT_SCOPE)
    return()
  endif()
  file(SHA256 "${src}" sum)
  if(NOT sum STREQUAL MMKIT_UNICORN_SHA256)
    message(WARNING "Unicorn: ${src} has sha256 ${sum}, not ${MMKIT_UNICORN_SHA256}: not used")
    return()
  endif()
  set(dir "${MMKIT_UNICORN_CACHE}/src")
  file(REMOVE_RECURSE "${dir}")
  file(ARCHIVE_EXTRACT INPUT "${src}" DESTINATION "${dir}")
  file(GLOB top LIST_DIRECTORIES true "${dir}/*")
  list(LENGTH top n)
  if(n EQUAL 1 AND IS_DIRECTORY "${top}")
    set(${out} "${top}" PARENT_SCOPE)
  else()
    set(${out} "${dir}" PARENT_SCOPE)
  endif()
endfunction()

if(MMKIT_UNICORN)
  pkg_check_modules(UNICORN QUIET IMPORTED_TARGET unicorn>=2.1)
  if(UNICORN_FOUND)
    message(STATUS "Unicorn: system libunicorn ${UNICORN_VERSION}")
    add_library(mmkit_unicorn INTERFACE)
    target_link_libraries(mmkit_unicorn INTERFACE PkgConfig::UNICORN)
    set(MMKIT_HAVE_UNICORN ON)
  else()
    set(prefix "${MMKIT_UNICORN_CACHE}/install")
    set(lib "${prefix}/lib/libunicorn.a")
    file(MAKE_DIRECTORY "${MMKIT_UNICORN_CACHE}")
    # One preset builds it; the others configured at the same time wait.
    file(LOCK "${MMKIT_UNICORN_CACHE}/.lock" TIMEOUT 1800 RESULT_VARIABLE lockrc)
    if(NOT EXISTS "${lib}")
      mmkit_unicorn_find_source(src)
      set(srcdir "")
      if(src)
        mmkit_unicorn_unpack("${src}" srcdir)
      endif()
      if(NOT srcdir AND MMKIT_UNICORN_FETCH)
        include(FetchContent)
        message(STATUS "Unicorn: no local source; fetching ${MMKIT_UNICORN_COMMIT} (tag 2.1.4)")
        FetchContent_Populate(mmkit_unicorn_src QUIET
          GIT_REPOSITORY https://github.com/unicorn-engine/unicorn.git
          GIT_TAG ${MMKIT_UNICORN_COMMIT}
          SOURCE_DIR "${MMKIT_UNICORN_CACHE}/git"
          SUBBUILD_DIR "${MMKIT_UNICORN_CACHE}/git-subbuild"
          BINARY_DIR "${MMKIT_UNICORN_CACHE}/git-unused")
        if(EXISTS "${MMKIT_UNICORN_CACHE}/git/uc.c")
          set(srcdir "${MMKIT_UNICORN_CACHE}/git")
        endif()
      endif()
      if(srcdir)
        mmkit_unicorn_build("${srcdir}" "${prefix}")
      else()
        message(WARNING "Unicorn: no source (set MMKIT_UNICORN_SOURCE to unicorn-2.1.4.tar.gz); mmkit exec is disabled")
      endif()
    endif()
    file(LOCK "${MMKIT_UNICORN_CACHE}/.lock" RELEASE)
    if(EXISTS "${lib}")
      message(STATUS "Unicorn: ${lib}")
      add_library(mmkit_unicorn INTERFACE)
      target_include_directories(mmkit_unicorn INTERFACE "${prefix}/include")
      target_link_libraries(mmkit_unicorn INTERFACE "${lib}" Threads::Threads m ${CMAKE_DL_LIBS})
      set(MMKIT_HAVE_UNICORN ON)
    endif()
  endif()
endif()
