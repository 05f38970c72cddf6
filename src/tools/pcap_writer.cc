#include "tools/pcap_writer.h"

#include <fmt/format.h>

#include "base/byte_writer.h"

namespace tern::tools {
namespace {

constexpr uint32_t kLinktypeRaw = 101;
constexpr uint16_t kNatTraversalPort = 4500;

void put_le32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_le16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

uint16_t ipv4_header_checksum(ByteView header) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < header.size(); i += 2)
    sum += static_cast<uint32_t>((header[i] << 8) | header[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

Result<PcapWriter> PcapWriter::create(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return fail(Errc::io_error, fmt::format("cannot create {}", path));
  Bytes header;
  put_le32(header, 0xa1b2c3d4);  // magic, microsecond timestamps
  put_le16(header, 2);           // version 2.4
  put_le16(header, 4);
  put_le32(header, 0);  // thiszone
  put_le32(header, 0);  // sigfigs
  put_le32(header, 65535);
  put_le32(header, kLinktypeRaw);
  if (std::fwrite(header.data(), 1, header.size(), f) != header.size()) {
    std::fclose(f);
    return fail(Errc::io_error, fmt::format("cannot write {}", path));
  }
  return PcapWriter{f};
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

Result<void> PcapWriter::write_udp(const UdpEndpoint& src, const UdpEndpoint& dst, ByteView payload,
                                   uint32_t seconds) {
  Bytes udp_payload;
  if (src.port == kNatTraversalPort || dst.port == kNatTraversalPort) udp_payload.assign(4, 0);
  append(udp_payload, payload);

  Bytes packet;
  ByteWriter w{packet};
  size_t total = 20 + 8 + udp_payload.size();
  if (total > 0xffff) return fail(Errc::bad_length, "datagram too large for IPv4");
  w.u8(0x45);  // version 4, IHL 5
  w.u8(0);
  w.u16(static_cast<uint16_t>(total));
  w.u16(0);       // identification
  w.u16(0x4000);  // don't fragment
  w.u8(64);       // TTL
  w.u8(17);       // UDP
  size_t checksum_at = w.placeholder_u16();
  w.bytes(src.ipv4);
  w.bytes(dst.ipv4);
  w.patch_u16(checksum_at, ipv4_header_checksum(ByteView{packet}.first(20)));
  w.u16(src.port);
  w.u16(dst.port);
  w.u16(static_cast<uint16_t>(8 + udp_payload.size()));
  w.u16(0);  // UDP checksum optional over IPv4
  w.bytes(udp_payload);

  Bytes record;
  put_le32(record, seconds);
  put_le32(record, 0);
  put_le32(record, static_cast<uint32_t>(packet.size()));
  put_le32(record, static_cast<uint32_t>(packet.size()));
  append(record, packet);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size())
    return fail(Errc::io_error, "pcap write failed");
  return {};
}

}  // namespace tern::tools
