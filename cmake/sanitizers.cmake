# TERN_SANITIZE: ASan + UBSan for everything (tests included).
# TERN_TSAN: ThreadSanitizer for everything (not together with TERN_SANITIZE).
# TERN_FUZZ: every library is also built with -fsanitize=fuzzer-no-link so that
# libFuzzer sees coverage; the fuzz targets link -fsanitize=fuzzer.
# TERN_COVERAGE: clang source-based coverage, to measure what the fuzz corpora reach.
if(TERN_SANITIZE OR TERN_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(TERN_TSAN)
  if(TERN_SANITIZE OR TERN_FUZZ)
    message(FATAL_ERROR "TERN_TSAN cannot be combined with TERN_SANITIZE or TERN_FUZZ")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns that TSan does not model std::atomic_thread_fence (Asio uses it).
    add_compile_options(-Wno-tsan)
  endif()
endif()
if(TERN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TERN_FUZZ needs clang (configure with CXX=clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(TERN_COVERAGE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TERN_COVERAGE needs clang (configure with CXX=clang++-14)")
  endif()
  add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
  add_link_options(-fprofile-instr-generate)
endif()
