# Every dependency comes from the distribution (Debian 12 packages; scripts/setup-deps.sh
# installs them). Nothing is vendored or downloaded at configure time.
if(WIN32)
  include(DependenciesWindows)  # the mingw-w64 cross build
  return()
endif()
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Boost 1.81...<1.82 CONFIG REQUIRED COMPONENTS json)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
if(SHOUWEI_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  pkg_check_modules(BLKID REQUIRED IMPORTED_TARGET blkid)
  pkg_check_modules(SYSTEMD IMPORTED_TARGET libsystemd)
endif()

# Boost.Asio/Beast are header-only here; keep their deprecated interfaces out of our code.
add_library(shouwei_boost INTERFACE)
target_link_libraries(shouwei_boost INTERFACE Boost::headers Boost::json Threads::Threads)
target_compile_definitions(shouwei_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
