#include "wire/header.h"

#include <fmt/format.h>

#include "base/byte_reader.h"

namespace tern::wire {

namespace {
constexpr uint8_t kDefinedFlags = kFlagInitiator | kFlagVersion | kFlagResponse;
constexpr uint8_t kSentFlags = kFlagInitiator | kFlagResponse;  // §3.1: V MUST be cleared when sending
}  // namespace

Result<IkeHeader> parse_header(ByteView datagram) {
  if (datagram.size() < kIkeHeaderSize) {
    return fail(Errc::truncated,
                fmt::format("IKE header needs {} octets, datagram has {}", kIkeHeaderSize, datagram.size()));
  }
  // Bounds are settled: the reads below cannot fail.
  ByteReader r{datagram.first(kIkeHeaderSize), "IKE header"};
  IkeHeader h;
  h.spi_i = *r.u64("IKE SA Initiator's SPI");
  h.spi_r = *r.u64("IKE SA Responder's SPI");
  h.next_payload = static_cast<PayloadType>(*r.u8("Next Payload"));
  uint8_t version = *r.u8("Version");
  h.major_version = static_cast<uint8_t>(version >> 4);
  h.minor_version = static_cast<uint8_t>(version & 0x0f);
  h.exchange = static_cast<ExchangeType>(*r.u8("Exchange Type"));
  h.flags = static_cast<uint8_t>(*r.u8("Flags") & kDefinedFlags);
  h.message_id = *r.u32("Message ID");
  h.length = *r.u32("Length");

  if (h.major_version > 2) {
    // §1.5: tell the sender which version we speak (the notify carries our
    // version in the header of the answer; the engine builds it).
    return fail(Errc::bad_version, notify_number(NotifyType::INVALID_MAJOR_VERSION),
                fmt::format("IKE header: major version {} is higher than 2", h.major_version));
  }
  if (h.major_version < 2) {
    return fail(Errc::bad_version, fmt::format("IKE header: major version {} (not IKEv2)", h.major_version));
  }
  if (h.length != datagram.size()) {
    return fail(Errc::bad_length, fmt::format("IKE header: Length {} but the datagram has {} octets",
                                              h.length, datagram.size()));
  }
  if (h.spi_i == 0) return fail(Errc::bad_spi, "IKE header: IKE SA Initiator's SPI is zero");
  return h;
}

void build_header(const IkeHeader& header, ByteWriter& w) {
  TERN_ASSERT(header.major_version < 16 && header.minor_version < 16);
  w.u64(header.spi_i);
  w.u64(header.spi_r);
  w.u8(static_cast<uint8_t>(header.next_payload));
  w.u8(static_cast<uint8_t>((header.major_version << 4) | header.minor_version));
  w.u8(static_cast<uint8_t>(header.exchange));
  w.u8(static_cast<uint8_t>(header.flags & kSentFlags));
  w.u32(header.message_id);
  w.u32(header.length);
}

}  // namespace tern::wire
