// Coalescing received TCP segments into one TUN write (the reverse of TSO):
// segments that continue each other become one super-packet with a GSO
// header; everything else passes through unchanged and in order.
#include "io/tun_gro.h"

#include <gtest/gtest.h>

#include <vector>

namespace tern::io {
namespace {

struct Written {
  VnetHeader header;
  std::vector<uint8_t> packet;
};

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

// IPv4 192.0.2.1:5201 -> 203.0.113.1:40000, TCP seq `seq`, flags, `payload` octets of `fill`.
std::vector<uint8_t> segment_v4(uint32_t seq, size_t payload, uint8_t flags = 0x10, uint8_t fill = 0xab,
                                uint16_t src_port = 5201) {
  std::vector<uint8_t> p(40 + payload, fill);
  const size_t total = p.size();
  const uint8_t ip[20] = {0x45,
                          0,
                          static_cast<uint8_t>(total >> 8),
                          static_cast<uint8_t>(total),
                          0,
                          1,
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
  const uint8_t tcp[20] = {static_cast<uint8_t>(src_port >> 8),
                           static_cast<uint8_t>(src_port),
                           0x9c,
                           0x40,
                           static_cast<uint8_t>(seq >> 24),
                           static_cast<uint8_t>(seq >> 16),
                           static_cast<uint8_t>(seq >> 8),
                           static_cast<uint8_t>(seq),
                           0,
                           0,
                           0,
                           7,
                           0x50,
                           flags,
                           0x10,
                           0x00,
                           0x12,
                           0x34,
                           0,
                           0};
  std::copy(tcp, tcp + 20, p.begin() + 20);
  return p;
}

struct Harness {
  std::vector<Written> written;
  TunGro gro{[this](const VnetHeader& h, ByteView p) { written.push_back({h, {p.begin(), p.end()}}); }};
};

TEST(TunGro, ThreeSegmentsThatContinueEachOtherBecomeOneSuperPacket) {
  Harness t;
  t.gro.add(segment_v4(1000, 1000, 0x10, 1));
  t.gro.add(segment_v4(2000, 1000, 0x10, 2));
  t.gro.add(segment_v4(3000, 400, 0x18, 3));  // the last one, short, with PSH
  t.gro.flush();

  ASSERT_EQ(t.written.size(), 1u);
  const Written& w = t.written[0];
  EXPECT_EQ(w.header.gso_type, VnetHeader::tcpv4);
  EXPECT_EQ(w.header.gso_size, 1000);
  EXPECT_EQ(w.header.flags, VnetHeader::kNeedsCsum);
  EXPECT_EQ(w.header.csum_start, 20);
  EXPECT_EQ(w.header.csum_offset, 16);
  EXPECT_EQ(w.header.hdr_len, 40);
  ASSERT_EQ(w.packet.size(), 40u + 2400u);
  EXPECT_EQ(be16(&w.packet[2]), 2440);  // IPv4 Total Length of the whole
  EXPECT_EQ(w.packet[33], 0x18);        // PSH of the last segment kept
  EXPECT_EQ(w.packet[40], 1);           // payloads in order
  EXPECT_EQ(w.packet[1040], 2);
  EXPECT_EQ(w.packet[2040], 3);
  // The TCP checksum field holds the pseudo-header sum for the kernel to complete.
  uint32_t pseudo = 0xc000 + 0x0201 + 0xcb00 + 0x7101 + 6 + 2420;
  while (pseudo >> 16) pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  EXPECT_EQ(be16(&w.packet[36]), pseudo);
  EXPECT_EQ(t.gro.coalesced(), 3u);
}

TEST(TunGro, AGapInSequenceNumbersEndsTheSuperPacket) {
  Harness t;
  t.gro.add(segment_v4(1000, 1000));
  t.gro.add(segment_v4(2000, 1000));
  t.gro.add(segment_v4(9000, 1000));  // lost segments in between
  t.gro.flush();
  ASSERT_EQ(t.written.size(), 2u);
  EXPECT_EQ(t.written[0].packet.size(), 40u + 2000u);
  EXPECT_EQ(t.written[1].header.gso_type, VnetHeader::none);  // alone: written as it came
  EXPECT_EQ(t.written[1].packet, segment_v4(9000, 1000));
}

TEST(TunGro, OtherPacketsPassThroughUnchangedAndInOrder) {
  Harness t;
  std::vector<uint8_t> syn = segment_v4(1, 0, 0x02);
  std::vector<uint8_t> udp = segment_v4(0, 30);
  udp[9] = 17;
  t.gro.add(syn);
  t.gro.add(udp);
  t.gro.flush();
  ASSERT_EQ(t.written.size(), 2u);
  EXPECT_EQ(t.written[0].packet, syn);
  EXPECT_EQ(t.written[1].packet, udp);
  EXPECT_EQ(t.written[0].header.gso_type, VnetHeader::none);
  EXPECT_EQ(t.gro.coalesced(), 0u);
}

TEST(TunGro, InterleavedFlowsAreCoalescedSeparately) {
  Harness t;
  t.gro.add(segment_v4(1000, 500, 0x10, 1, 5201));
  t.gro.add(segment_v4(7000, 500, 0x10, 2, 5202));
  t.gro.add(segment_v4(1500, 500, 0x10, 1, 5201));
  t.gro.add(segment_v4(7500, 500, 0x10, 2, 5202));
  t.gro.flush();
  ASSERT_EQ(t.written.size(), 2u);
  EXPECT_EQ(t.written[0].packet.size(), 1040u);
  EXPECT_EQ(t.written[0].packet[40], 1);
  EXPECT_EQ(t.written[1].packet.size(), 1040u);
  EXPECT_EQ(t.written[1].packet[40], 2);
}

TEST(TunGro, ALongerSegmentThanTheFirstIsNotJoined) {
  Harness t;
  t.gro.add(segment_v4(1000, 500));
  t.gro.add(segment_v4(1500, 600));  // gso_size would be wrong for it
  t.gro.flush();
  ASSERT_EQ(t.written.size(), 2u);
}

}  // namespace
}  // namespace tern::io
