# Cross build for Windows x64 with Debian's mingw-w64 (posix thread model: std::thread and
# std::mutex need it; the default win32 variant has neither).
#
#   cmake -S . -B build-win -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake \
#         -DSHOUWEI_MINGW_PREFIX=$(scripts/build-win-deps.sh)
#
# SHOUWEI_MINGW_PREFIX is the prefix scripts/build-win-deps.sh prints (static OpenSSL, libcurl,
# SQLite). Tests run through CMAKE_CROSSCOMPILING_EMULATOR, cmake/wine-run.sh (Wine 8).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SHOUWEI_MINGW_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${SHOUWEI_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${SHOUWEI_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${SHOUWEI_MINGW_TRIPLE}-windres)

# Libraries and headers for the target come only from the mingw sysroot and the prefix built
# by build-win-deps.sh, never from the build machine's /usr.
set(CMAKE_FIND_ROOT_PATH /usr/${SHOUWEI_MINGW_TRIPLE} ${SHOUWEI_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Keep the cache variable across try_compile projects.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SHOUWEI_MINGW_PREFIX)

# Self-contained executables: no libstdc++/libgcc/libwinpthread DLLs to ship or to find.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh)
