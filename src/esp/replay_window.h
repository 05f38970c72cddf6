// The anti-replay window of one inbound ESP SA (RFC 4303 §3.4.3), with the
// high 32 bits of Extended Sequence Numbers inferred from the low 32 on the
// wire (RFC 4303 Appendix A2.2), kept as an RFC 6479 bitmap: blocks of 64
// bits in a ring, so that moving the window forward clears whole blocks and
// never shifts the bitmap.
//
// Who calls it: InboundSa::decap, in two steps (STYLE.md #8):
//   1. check(seq_low) BEFORE the ICV is verified: is this sequence number new
//      and inside the window? It changes nothing, so a forged packet cannot
//      move the window.
//   2. commit(seq) only AFTER the ICV verified (and the packet passed its
//      other checks): mark it seen, and slide the window if it is the highest.
//
// Window size: 0 turns the replay check off (the high bits of ESNs are still
// inferred, assuming the packet is within 2^31 of the highest one seen);
// otherwise a multiple of 64, at least 64. The bitmap holds the next power of
// two of (size/64 + 1) blocks: inside the object up to 4 blocks (a window of
// up to 192 packets, the default 128 included: no heap block per inbound SA),
// else allocated once here.
//
// How it fails: check() returns nullopt for a replayed sequence number, one
// that is too old (at or below highest() - size), sequence number 0 (never
// sent: the first is 1), and, with ESN, a number that would lie before the
// start or after the end of the 64-bit space. A size that is not 0 or a
// multiple of 64 is our bug (config/ validates it with valid_size()).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "wire/iana.h"

namespace tern::esp {

class ReplayWindow {
 public:
  // 128 packets: four times strongSwan's default (32), room for the
  // reordering of a multi-queue path; its ring is 4 blocks (32 octets) where
  // 1,024 took 32 blocks (256 octets) per inbound SA (docs/benchmarks.md).
  static constexpr uint32_t kDefaultSize = 128;
  static bool valid_size(uint32_t size) { return size == 0 || (size >= 64 && size % 64 == 0); }

  explicit ReplayWindow(uint32_t size = kDefaultSize, wire::EsnId esn = wire::EsnId::NO_ESN);

  // The full 64-bit sequence number (just seq_low without ESN) if a packet
  // carrying seq_low may be authenticated and accepted; nullopt to drop it.
  std::optional<uint64_t> check(uint32_t seq_low) const;
  // Records an authenticated packet's sequence number (a value check() returned).
  void commit(uint64_t seq);

  // The highest sequence number committed so far (0: none yet).
  uint64_t highest() const { return top_; }
  // Whether `seq` was committed and is still inside the window.
  bool is_marked(uint64_t seq) const;
  uint32_t size() const { return size_; }
  bool esn() const { return esn_; }

 private:
  std::optional<uint64_t> infer(uint32_t seq_low) const;  // RFC 4303 Appendix A2.2
  static constexpr size_t kInlineBlocks = 4;
  uint64_t* bitmap() { return heap_ ? heap_.get() : inline_.data(); }
  const uint64_t* bitmap() const { return heap_ ? heap_.get() : inline_.data(); }
  uint64_t block_mask() const { return (uint64_t{1} << block_shift_) - 1; }
  uint64_t& block(uint64_t seq) { return bitmap()[(seq >> 6) & block_mask()]; }
  uint64_t block(uint64_t seq) const { return bitmap()[(seq >> 6) & block_mask()]; }

  uint64_t top_ = 0;
  uint32_t size_;
  uint8_t block_shift_ = 0;  // the ring holds 2^block_shift_ blocks
  bool esn_;
  std::array<uint64_t, kInlineBlocks> inline_{};  // the bitmap, when it fits
  std::unique_ptr<uint64_t[]> heap_;              // else the bitmap (zeroed)
};

}  // namespace tern::esp
