# Warning flags applied to every tern target through tern_warnings.
add_library(tern_warnings INTERFACE)
target_compile_options(tern_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
if(TERN_WERROR)
  target_compile_options(tern_warnings INTERFACE -Werror)
endif()
