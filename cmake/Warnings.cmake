# Project-wide warning policy: every target we own builds clean with -Wall -Wextra -Werror on
# GCC 12 and Clang 14. Third-party headers come in as SYSTEM includes and are not held to it.
add_library(shouwei_warnings INTERFACE)
target_compile_options(shouwei_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
  -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports impossible memcpy overlaps inside libstdc++'s std::string at -O3
  # (GCC bug 105329/105651), on code with no overlap; the diagnostic is unusable there.
  target_compile_options(shouwei_warnings INTERFACE -Wno-restrict)
endif()
