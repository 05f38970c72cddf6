#include "wire/delete_payload.h"

#include <fmt/format.h>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {
Unexpected<Error> malformed(Errc code, std::string detail) {
  return as_invalid_syntax(Error::drop(code, std::move(detail)));
}
}  // namespace

Result<DeletePayload> DeletePayload::parse(ByteView body) {
  ByteReader r{body, "Delete payload"};
  auto protocol = r.u8("Protocol ID");
  if (!protocol) return as_invalid_syntax(protocol.error());
  auto spi_size = r.u8("SPI Size");
  if (!spi_size) return as_invalid_syntax(spi_size.error());
  auto count = r.u16("Num of SPIs");
  if (!count) return as_invalid_syntax(count.error());

  // Bounds first: the SPIs must fill the rest exactly.
  size_t listed = size_t{*count} * *spi_size;
  if (listed != r.remaining()) {
    return malformed(Errc::bad_length,
                     fmt::format("Delete payload: {} SPIs of {} octets but {} octets present", *count,
                                 *spi_size, r.remaining()));
  }

  DeletePayload d;
  d.protocol = static_cast<ProtocolId>(*protocol);
  d.spi_size = *spi_size;
  switch (d.protocol) {
    case ProtocolId::IKE:
      if (d.spi_size != 0) {
        return malformed(Errc::bad_spi,
                         fmt::format("Delete payload: SPI Size {} for IKE (must be 0)", d.spi_size));
      }
      if (*count != 0) return invalid_syntax(fmt::format("Delete payload: {} SPIs listed for IKE", *count));
      break;
    case ProtocolId::AH:
    case ProtocolId::ESP:
      if (d.spi_size != 4) {
        return malformed(Errc::bad_spi, fmt::format("Delete payload: SPI Size {} for {} (must be 4)",
                                                    d.spi_size, wire::to_string(d.protocol)));
      }
      break;
    default: return invalid_syntax(fmt::format("Delete payload: Protocol ID {}", *protocol));
  }

  d.spis.reserve(*count);
  for (size_t i = 0; i < *count; ++i) {
    ByteView spi = *r.take(d.spi_size, "SPI");
    d.spis.emplace_back(spi.begin(), spi.end());
  }
  return d;
}

void DeletePayload::build(ByteWriter& w) const {
  TERN_ASSERT(spis.size() <= 0xffff);
  w.u8(static_cast<uint8_t>(protocol));
  w.u8(spi_size);
  w.u16(static_cast<uint16_t>(spis.size()));
  for (const Bytes& spi : spis) {
    TERN_ASSERT(spi.size() == spi_size);
    w.bytes(spi);
  }
}

}  // namespace tern::wire
