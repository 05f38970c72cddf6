// Writes IKE datagrams into a classic pcap file (LINKTYPE_RAW: IPv4 + UDP),
// so that tern-built messages can be read by tshark/Wireshark. Used by the
// demo tool and the tshark dissection tests; not by the daemon.
//
// Port 4500 datagrams get the RFC 3948 non-ESP marker (four zero octets)
// prepended, as on the wire.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace tern::tools {

struct UdpEndpoint {
  std::array<uint8_t, 4> ipv4;
  uint16_t port;
};

class PcapWriter {
 public:
  static Result<PcapWriter> create(const std::string& path);
  PcapWriter(PcapWriter&& other) noexcept : file_(other.file_) { other.file_ = nullptr; }
  PcapWriter& operator=(PcapWriter&&) = delete;
  PcapWriter(const PcapWriter&) = delete;
  ~PcapWriter();

  // Appends one UDP datagram; `seconds` is the capture timestamp.
  Result<void> write_udp(const UdpEndpoint& src, const UdpEndpoint& dst, ByteView payload, uint32_t seconds);

 private:
  explicit PcapWriter(std::FILE* file) : file_(file) {}
  std::FILE* file_;
};

}  // namespace tern::tools
