// Transport mode (RFC 4303 §3.1.1) at the edge of a TUN device: the IP header
// of a packet is not carried inside ESP, so it is cut off on the way out and
// written anew on the way in. Pure bytes: no socket, no clock, no allocation.
//
//   outbound: IP packet from the TUN device -> split_transport_packet ->
//             TransportPayload{payload, next_header} for OutboundSa::encap;
//             the outer IP header (the same two hosts) is the kernel's.
//   inbound:  InboundSa::decap's {payload, next_header} -> build_transport_packet
//             -> IPv4 header (TTL 64, ID 0, DF, header checksum) or IPv6 header
//             (Hop Limit 64) || payload, for the TUN device.
//
// Who calls it: the daemon's data plane (daemon/data_plane.cc), per packet of
// a transport-mode CHILD_SA: split in encap_one, build in on_esp, into a
// buffer the data plane owns.
//
// UDP encapsulation (RFC 3948 §3.1.2): a NAT between the hosts may have
// rewritten the addresses the sender's TCP/UDP checksum covers, so with
// L4Checksum::recompute the TCP, UDP (and ICMPv6) checksum is computed anew
// over the new pseudo-header; with L4Checksum::keep the payload is not touched.
//
// How it fails (values, never exceptions; bounds first, meaning second):
//   split: Errc::truncated (shorter than its header or its length field),
//          Errc::bad_length (IHL < 5, Total Length below the header),
//          Errc::bad_version (neither 4 nor 6), Errc::unsupported (an IPv4
//          fragment, or IPv6 extension headers: transport mode carries whole
//          datagrams, §3.1.1, and tern does not carry extension headers).
//   build: Errc::bad_version (source and destination of different families),
//          Errc::too_many (payload beyond the IP length field), Errc::bad_length
//          (`out` too small), Errc::truncated (recompute: payload shorter than
//          its TCP/UDP/ICMPv6 header).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"

namespace tern::esp {

// An outbound packet cut at its upper-layer header.
struct TransportSplit {
  ByteView payload;         // IPv4: from IHL*4 to Total Length; IPv6: after the 40-octet header
  uint8_t next_header = 0;  // IPv4 Protocol / IPv6 Next Header
};

Result<TransportSplit> split_transport_packet(ByteView packet);

enum class L4Checksum : uint8_t { keep, recompute };

struct TransportHeader {
  ike::Address source;       // inbound: the peer
  ike::Address destination;  // inbound: our address
  uint8_t next_header = 0;
  L4Checksum l4_checksum = L4Checksum::keep;
};

// 20 for IPv4 (no options), 40 for IPv6.
size_t transport_header_size(ike::AddressFamily family);

// Writes the IP header and then `payload` to the front of `out` (payload may
// overlap `out`) and returns the packet written.
Result<ByteView> build_transport_packet(const TransportHeader& header, ByteView payload, MutableByteView out);

}  // namespace tern::esp
