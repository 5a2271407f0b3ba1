# SHOUWEI_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for every target, and
# any UBSan finding aborts the test that triggered it.
option(SHOUWEI_SANITIZE "Build with AddressSanitizer and UBSan" OFF)
if(SHOUWEI_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# SHOUWEI_FUZZ=ON (clang only): libFuzzer targets under tests/fuzz.
option(SHOUWEI_FUZZ "Build libFuzzer targets (requires clang)" OFF)
if(SHOUWEI_FUZZ)
  # Coverage instrumentation for every library a fuzzer links, not only the fuzzer's own file;
  # without it libFuzzer is blind inside the parsers it is meant to explore.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
