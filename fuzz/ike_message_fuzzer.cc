// Fuzz target: the IKE message parser (wire::parse_message), the payload-rules
// check, and the encoder's round trip. Any input must parse or fail with an
// Error — never crash, hang or trip a sanitizer — and a message that parsed
// must re-encode to bytes that parse to the same message.
//
// Seeds: fuzz/corpus/ike_message/ (strongSwan's real messages, tern-built ones).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "wire/message.h"
#include "wire/payload_rules.h"

using namespace tern;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView input{data, size};
  auto message = wire::parse_message(input);
  if (!message) return 0;

  const wire::Direction direction =
      message->header.is_response() ? wire::Direction::response : wire::Direction::request;
  (void)wire::check_payload_rules(message->header.exchange, direction, message->payloads, {});

  // Round trip: parse(build(m)) == m. build_message writes Next Payload and
  // Length itself, so compare after normalising those two fields.
  Bytes rebuilt = wire::build_message(*message);
  auto reparsed = wire::parse_message(rebuilt);
  if (!reparsed) std::abort();
  wire::Message expected = *message;
  expected.header.length = reparsed->header.length;
  expected.header.next_payload = reparsed->header.next_payload;
  expected.header.flags = reparsed->header.flags;  // reserved flag bits are not sent
  if (!(expected == *reparsed)) std::abort();
  return 0;
}
