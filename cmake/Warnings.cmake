# Project-wide warning policy: every target we own builds clean with -Wall -Wextra -Werror on
# GCC 12 and Clang 14. Third-party headers come in as SYSTEM includes and are not held to it.
add_library(shouwei_warnings INTERFACE)
target_compile_options(shouwei_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wformat=2
  -Wimplicit-fallthrough)
