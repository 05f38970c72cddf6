// fuzz_control_request: what arrives on the control socket — the line
// framer splitting a byte stream into lines, and control::parse_request on
// each line. A request that parses must encode and parse back to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/error.h"
#include "control/line_framer.h"
#include "control/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tern::control::LineFramer framer;
  framer.feed(tern::ByteView(data, size));
  while (std::optional<tern::Result<std::string>> line = framer.next_line()) {
    if (!line->has_value()) break;  // over the limit: the server drops the client
    tern::Result<tern::control::Request> request = tern::control::parse_request(**line);
    if (!request) continue;
    std::string encoded = tern::control::encode_request(*request);
    if (!encoded.empty() && encoded.back() == '\n') encoded.pop_back();
    tern::Result<tern::control::Request> again = tern::control::parse_request(encoded);
    if (!again || !(*again == *request)) TERN_BUG("a request does not survive encode + parse");
  }
  return 0;
}
