#include "wire/notify_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

Result<NotifyPayload> NotifyPayload::parse(ByteView body) {
  ByteReader r{body, "Notify payload"};
  auto protocol = r.u8("Protocol ID");
  if (!protocol) return as_invalid_syntax(protocol.error());
  auto spi_size = r.u8("SPI Size");
  if (!spi_size) return as_invalid_syntax(spi_size.error());
  auto type = r.u16("Notify Message Type");
  if (!type) return as_invalid_syntax(type.error());
  auto spi = r.take(*spi_size, "SPI");
  if (!spi) return as_invalid_syntax(spi.error());

  NotifyPayload n;
  n.protocol = static_cast<ProtocolId>(*protocol);
  n.type = static_cast<NotifyType>(*type);
  if (!spi->empty()) {
    size_t expected = 0;
    switch (n.protocol) {
      case ProtocolId::IKE: expected = 8; break;
      case ProtocolId::AH:
      case ProtocolId::ESP: expected = 4; break;
      default:
        return invalid_syntax(fmt::format("Notify payload: {}: SPI Size {} with Protocol ID {}",
                                          wire::to_string(n.type), *spi_size, *protocol));
    }
    if (spi->size() != expected) {
      return as_invalid_syntax(Error::drop(
          Errc::bad_spi, fmt::format("Notify payload: {}: SPI Size {} for protocol {}",
                                     wire::to_string(n.type), *spi_size, wire::to_string(n.protocol))));
    }
  }
  n.spi.assign(spi->begin(), spi->end());
  ByteView data = r.rest();
  n.data.assign(data.begin(), data.end());
  return n;
}

void NotifyPayload::build(ByteWriter& w) const {
  TERN_ASSERT(spi.size() <= 0xff);
  w.u8(static_cast<uint8_t>(protocol));
  w.u8(static_cast<uint8_t>(spi.size()));
  w.u16(static_cast<uint16_t>(type));
  w.bytes(spi);
  w.bytes(data);
}

}  // namespace tern::wire
