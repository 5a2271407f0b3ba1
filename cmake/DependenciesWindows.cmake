# Dependencies of the Windows (mingw-w64) build, included by Dependencies.cmake when WIN32.
# Static OpenSSL, libcurl, SQLite and lz4 come from SHOUWEI_MINGW_PREFIX (scripts/build-win-deps.sh);
# zlib from Debian's libz-mingw-w64-dev; Boost (Asio, Beast, JSON), spdlog + fmt, toml++, CLI11
# xxHash and doctest are used header-only from the build machine's Debian packages. The targets carry
# the same names as on Linux, so no other CMakeLists.txt needs a WIN32 branch for them.
if(NOT SHOUWEI_MINGW_PREFIX OR NOT EXISTS "${SHOUWEI_MINGW_PREFIX}/.complete")
  message(FATAL_ERROR "SHOUWEI_MINGW_PREFIX='${SHOUWEI_MINGW_PREFIX}' is not a complete prefix; "
                      "pass -DSHOUWEI_MINGW_PREFIX=$(scripts/build-win-deps.sh)")
endif()

# Every Windows translation unit: Windows 10 API level, UTF-16 (W) entry points, no min/max
# macros breaking std::min, and no winsock 1 from <windows.h> (Asio includes winsock2).
add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 UNICODE _UNICODE NOMINMAX
                        WIN32_LEAN_AND_MEAN)

find_package(Threads REQUIRED)

# The host's /usr/include cannot go on the target's include path (its libc headers would shadow
# mingw's), so only the header-only libraries are exposed, through a directory of symlinks.
set(_shouwei_host_headers ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${_shouwei_host_headers})
foreach(_dir boost fmt spdlog toml++ CLI doctest xxhash.h)
  if(NOT EXISTS /usr/include/${_dir})
    message(FATAL_ERROR "/usr/include/${_dir} missing: run scripts/setup-deps.sh")
  endif()
  file(CREATE_LINK /usr/include/${_dir} ${_shouwei_host_headers}/${_dir} SYMBOLIC)
endforeach()

function(_shouwei_header_only target)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  target_include_directories(${target} SYSTEM INTERFACE ${_shouwei_host_headers})
  if(ARGN)
    target_compile_definitions(${target} INTERFACE ${ARGN})
  endif()
endfunction()

function(_shouwei_static_import target library)
  find_library(_lib_${target} NAMES ${library} PATHS ${SHOUWEI_MINGW_PREFIX}/lib
               /usr/${SHOUWEI_MINGW_TRIPLE}/lib NO_DEFAULT_PATH REQUIRED)
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES IMPORTED_LOCATION ${_lib_${target}})
  target_include_directories(${target} SYSTEM INTERFACE ${SHOUWEI_MINGW_PREFIX}/include)
endfunction()

_shouwei_header_only(Boost::headers)
_shouwei_header_only(spdlog::spdlog SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
_shouwei_header_only(CLI11::CLI11)
_shouwei_header_only(PkgConfig::TOMLPP TOML_HEADER_ONLY=1)
_shouwei_header_only(doctest::doctest)
_shouwei_header_only(PkgConfig::XXHASH)  # fingerprint.hpp defines XXH_INLINE_ALL itself

_shouwei_static_import(ZLIB::ZLIB libz.a)
_shouwei_static_import(SQLite::SQLite3 libsqlite3.a)
_shouwei_static_import(PkgConfig::LZ4 liblz4.a)
_shouwei_static_import(OpenSSL::Crypto libcrypto.a)
target_link_libraries(OpenSSL::Crypto INTERFACE ws2_32 crypt32 advapi32 user32 bcrypt)
_shouwei_static_import(OpenSSL::SSL libssl.a)
target_link_libraries(OpenSSL::SSL INTERFACE OpenSSL::Crypto)
_shouwei_static_import(CURL::libcurl libcurl.a)
target_compile_definitions(CURL::libcurl INTERFACE CURL_STATICLIB)
target_link_libraries(CURL::libcurl INTERFACE OpenSSL::SSL ZLIB::ZLIB ws2_32 crypt32 bcrypt)

# pkg_check_modules(... IMPORTED_TARGET) in the collectors keeps a PkgConfig:: target that
# already exists; it only needs pkg-config to find the module, so it finds these empty .pc
# files and never the build machine's.
set(_shouwei_pc_dir ${CMAKE_BINARY_DIR}/pkgconfig)
foreach(_module libxxhash liblz4)
  file(WRITE ${_shouwei_pc_dir}/${_module}.pc
       "Name: ${_module}\nDescription: see DependenciesWindows.cmake\nVersion: 0\n")
endforeach()
set(ENV{PKG_CONFIG_LIBDIR} ${_shouwei_pc_dir})
set(ENV{PKG_CONFIG_PATH} "")
find_package(PkgConfig REQUIRED)

# Boost.JSON and Boost.URL are compiled into the program from their header-only sources
# (src.hpp, one TU each); find_package(boost_url CONFIG) finds an empty config file.
add_library(shouwei_boost_sources STATIC ${CMAKE_SOURCE_DIR}/platform/win/os/boost_json_src.cpp
                                         ${CMAKE_SOURCE_DIR}/platform/win/os/boost_url_src.cpp)
target_link_libraries(shouwei_boost_sources PUBLIC Boost::headers)
add_library(Boost::json ALIAS shouwei_boost_sources)
add_library(Boost::url ALIAS shouwei_boost_sources)
set(_shouwei_boost_url_dir ${CMAKE_BINARY_DIR}/cmake-config/boost_url)
file(WRITE ${_shouwei_boost_url_dir}/boost_url-config.cmake "# Boost::url: DependenciesWindows.cmake\n")
file(WRITE ${_shouwei_boost_url_dir}/boost_url-config-version.cmake
     "set(PACKAGE_VERSION 1.81.0)\nset(PACKAGE_VERSION_COMPATIBLE TRUE)\n")
set(boost_url_DIR ${_shouwei_boost_url_dir} CACHE PATH "Boost.URL (header-only on Windows)" FORCE)

add_library(shouwei_boost INTERFACE)
target_link_libraries(shouwei_boost INTERFACE Boost::headers shouwei_boost_sources Threads::Threads
                                              ws2_32 mswsock)
target_compile_definitions(shouwei_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
