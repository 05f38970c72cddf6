// fuzz_config_loader: config::load_string on arbitrary text — the TOML
// parser (toml++, whose exceptions the loader turns into Problems) and every
// validation step after it. The invariant: it returns a Config or at least
// one Problem with a message, and never crashes, throws or hangs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tern::config::LoadResult r = tern::config::load_string(text, "fuzz.toml");
  if (!r.has_value()) {
    if (r.error().empty()) TERN_BUG("a refused config without a problem");
    for (const tern::config::Problem& p : r.error()) {
      if (p.message.empty()) TERN_BUG("a problem without a message");
    }
  }
  return 0;
}
