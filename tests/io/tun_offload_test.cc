// TCP segmentation of TUN super-packets (virtio-net GSO) and checksum
// completion: the segments are the packets the kernel would have sent.
#include "io/tun_offload.h"

#include <gtest/gtest.h>

#include <vector>

namespace tern::io {
namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(be16(p)) << 16 | be16(p + 2);
}

// RFC 1071, written out independently of the code under test.
uint16_t internet_checksum(const std::vector<uint8_t>& data) {
  uint32_t acc = 0;
  for (size_t i = 0; i + 1 < data.size(); i += 2) acc += static_cast<uint32_t>(data[i] << 8 | data[i + 1]);
  if (data.size() % 2 == 1) acc += static_cast<uint32_t>(data.back() << 8);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<uint16_t>(~acc);
}

bool tcp_checksum_ok_v4(ByteView seg) {
  const size_t ihl = (seg[0] & 0x0f) * 4u;
  std::vector<uint8_t> pseudo(seg.begin() + 12, seg.begin() + 20);  // src, dst
  const size_t tcp_len = seg.size() - ihl;
  pseudo.insert(pseudo.end(), {0, 6, static_cast<uint8_t>(tcp_len >> 8), static_cast<uint8_t>(tcp_len)});
  pseudo.insert(pseudo.end(), seg.begin() + static_cast<long>(ihl), seg.end());
  return internet_checksum(pseudo) == 0;
}

// IPv4 192.0.2.1 -> 203.0.113.1, TCP 40000 -> 5201, seq 1000, flags ACK|PSH|FIN, `payload` octets.
std::vector<uint8_t> super_packet_v4(size_t payload) {
  std::vector<uint8_t> p(20 + 20 + payload);
  const size_t total = p.size();  // > 65535 is never asked of this helper
  uint8_t ip[20] = {0x45,
                    0,
                    static_cast<uint8_t>(total >> 8),
                    static_cast<uint8_t>(total),
                    0x12,
                    0x34,
                    0x40,
                    0,
                    64,
                    6,
                    0,
                    0,
                    192,
                    0,
                    2,
                    1,
                    203,
                    0,
                    113,
                    1};
  std::copy(ip, ip + 20, p.begin());
  uint8_t tcp[20] = {0x9c, 0x40, 0x14, 0x51, 0,    0,    0x03, 0xe8, 0, 0,
                     0,    1,    0x50, 0x19, 0xff, 0xff, 0,    0,    0, 0};
  std::copy(tcp, tcp + 20, p.begin() + 20);
  for (size_t i = 0; i < payload; ++i) p[40 + i] = static_cast<uint8_t>(i * 7);
  return p;
}

TEST(TunOffload, ASuperPacketBecomesMssSizedSegmentsWithTheirOwnHeaders) {
  const std::vector<uint8_t> packet = super_packet_v4(2500);
  VnetHeader h;
  h.flags = VnetHeader::kNeedsCsum;
  h.gso_type = VnetHeader::tcpv4;
  h.gso_size = 1000;
  h.csum_start = 20;
  h.csum_offset = 16;
  h.hdr_len = 40;
  std::vector<uint8_t> scratch(8192);
  std::vector<std::vector<uint8_t>> segments;
  ASSERT_TRUE(segment(packet, h, scratch, [&](ByteView s) { segments.emplace_back(s.begin(), s.end()); }));

  ASSERT_EQ(segments.size(), 3u);
  const size_t payloads[] = {1000, 1000, 500};
  for (size_t i = 0; i < 3; ++i) {
    const std::vector<uint8_t>& s = segments[i];
    SCOPED_TRACE(i);
    ASSERT_EQ(s.size(), 40 + payloads[i]);
    EXPECT_EQ(be16(&s[2]), s.size());                              // IPv4 Total Length
    EXPECT_EQ(be16(&s[4]), 0x1234 + i);                            // Identification, one per segment
    EXPECT_EQ(internet_checksum({s.begin(), s.begin() + 20}), 0);  // header checksum valid
    EXPECT_EQ(be32(&s[24]), 1000 + 1000 * i);                      // sequence number advances by the payload
    EXPECT_TRUE(tcp_checksum_ok_v4(s));
    EXPECT_EQ(s[40], packet[40 + 1000 * i]);  // the right slice of the payload
  }
  EXPECT_EQ(segments[0][33], 0x10);  // ACK only: FIN and PSH belong to the last segment
  EXPECT_EQ(segments[1][33], 0x10);
  EXPECT_EQ(segments[2][33], 0x19);
}

TEST(TunOffload, SegmentsPlacedByTheCallerAreTheSameAsInScratch) {
  // The data plane writes each segment at the payload offset of its own ESP
  // slot; the octets must be exactly those segment() produces.
  const std::vector<uint8_t> packet = super_packet_v4(2500);
  VnetHeader h;
  h.flags = VnetHeader::kNeedsCsum;
  h.gso_type = VnetHeader::tcpv4;
  h.gso_size = 1000;
  h.csum_start = 20;
  h.csum_offset = 16;
  std::vector<uint8_t> scratch(8192);
  std::vector<std::vector<uint8_t>> expected;
  ASSERT_TRUE(segment(packet, h, scratch, [&](ByteView s) { expected.emplace_back(s.begin(), s.end()); }));

  std::vector<std::vector<uint8_t>> slots(3, std::vector<uint8_t>(1200, 0xee));
  size_t next = 0;
  std::vector<std::vector<uint8_t>> placed;
  ASSERT_TRUE(segment_into(
      packet, h, [&](size_t size) { return MutableByteView(slots[next++].data() + 24, size); },
      [&](ByteView s) { placed.emplace_back(s.begin(), s.end()); }));
  EXPECT_EQ(placed, expected);
  EXPECT_EQ(slots[0][23], 0xee);  // nothing written in front of the place given
  EXPECT_EQ(std::vector<uint8_t>(slots[2].begin() + 24, slots[2].begin() + 24 + 540), expected[2]);

  next = 0;
  size_t emitted = 0;
  const auto refused = segment_into(
      packet, h,
      [&](size_t size) { return next++ == 0 ? MutableByteView(slots[0].data(), size) : MutableByteView(); },
      [&](ByteView) { ++emitted; });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::too_many);
  EXPECT_EQ(emitted, 1u);
}

TEST(TunOffload, AChecksumLeftToUsIsCompletedFromThePseudoHeaderSum) {
  std::vector<uint8_t> packet = super_packet_v4(333);
  // What the kernel leaves: the pseudo-header sum (not complemented) in the TCP checksum field.
  uint32_t acc = 0xc000 + 0x0201 + 0xcb00 + 0x7101 + 6 + static_cast<uint32_t>(packet.size() - 20);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  packet[36] = static_cast<uint8_t>(acc >> 8);
  packet[37] = static_cast<uint8_t>(acc);
  VnetHeader h;
  h.flags = VnetHeader::kNeedsCsum;
  h.csum_start = 20;
  h.csum_offset = 16;
  ASSERT_TRUE(finish_checksum(packet, h));
  EXPECT_TRUE(tcp_checksum_ok_v4(packet));
}

TEST(TunOffload, OffsetsOutsideThePacketAreRefused) {
  std::vector<uint8_t> packet = super_packet_v4(10);
  VnetHeader h;
  h.flags = VnetHeader::kNeedsCsum;
  h.csum_start = 48;
  h.csum_offset = 16;
  EXPECT_FALSE(finish_checksum(packet, h));
  h.gso_type = VnetHeader::tcpv4;
  h.gso_size = 1000;
  h.csum_start = 60;  // past the end: no TCP header there
  std::vector<uint8_t> scratch(4096);
  EXPECT_FALSE(segment(packet, h, scratch, [](ByteView) {}));
}

TEST(TunOffload, TooLittleScratchIsAnErrorNotAnOverflow) {
  const std::vector<uint8_t> packet = super_packet_v4(5000);
  VnetHeader h;
  h.gso_type = VnetHeader::tcpv4;
  h.gso_size = 1000;
  h.csum_start = 20;
  std::vector<uint8_t> scratch(2000);
  size_t emitted = 0;
  EXPECT_FALSE(segment(packet, h, scratch, [&](ByteView) { ++emitted; }));
  EXPECT_LE(emitted, 1u);
}

TEST(TunOffload, TheHeaderDecodesFromNativeOrderOctets) {
  const uint8_t octets[10] = {1, 0x81, 40, 0, 0xa8, 0x05, 20, 0, 16, 0};
  const VnetHeader h = VnetHeader::decode(octets);
  EXPECT_EQ(h.flags, VnetHeader::kNeedsCsum);
  EXPECT_EQ(h.gso_type, VnetHeader::tcpv4);  // the ECN bit is masked off
  EXPECT_EQ(h.hdr_len, 40);
  EXPECT_EQ(h.gso_size, 1448);
  EXPECT_EQ(h.csum_start, 20);
  EXPECT_EQ(h.csum_offset, 16);
}

}  // namespace
}  // namespace tern::io
