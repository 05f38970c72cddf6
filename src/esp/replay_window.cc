// See replay_window.h. The bit of sequence number s is bit (s % 64) of block
// (s / 64) modulo the number of blocks; the window covers (top - size, top].
#include "esp/replay_window.h"

#include <bit>

#include "base/error.h"

namespace tern::esp {
namespace {

constexpr uint64_t kLow32 = 0xffffffffu;
// With the replay check off, ESN inference still needs a window: a packet is
// assumed to be less than 2^31 behind the highest one seen.
constexpr uint64_t kInferenceWindowWhenOff = uint64_t{1} << 31;

}  // namespace

ReplayWindow::ReplayWindow(uint32_t size, wire::EsnId esn) : size_(size), esn_(esn == wire::EsnId::ESN) {
  TERN_ASSERT(valid_size(size));
  if (size_ == 0) return;
  const uint32_t blocks = std::bit_ceil(size_ / 64 + 1);
  block_shift_ = static_cast<uint8_t>(std::countr_zero(blocks));
  if (blocks > kInlineBlocks) heap_ = std::make_unique<uint64_t[]>(blocks);  // value-initialised: zeros
}

// RFC 4303 Appendix A2.2: T = top_ (Th:Tl), W = window size, Seql on the wire.
//   Case A, Tl >= W - 1 (the window lies in one 2^32 subspace):
//     Seql >= Tl - W + 1  ->  Seqh = Th       (in or ahead of the window)
//     Seql <  Tl - W + 1  ->  Seqh = Th + 1   (wrapped into the next subspace)
//   Case B, Tl < W - 1 (the window spans the previous subspace and this one):
//     Seql >= Tl - W + 1 (mod 2^32)  ->  Seqh = Th - 1   (in the previous subspace)
//     Seql <  Tl - W + 1 (mod 2^32)  ->  Seqh = Th
std::optional<uint64_t> ReplayWindow::infer(uint32_t seq_low) const {
  const uint64_t w = size_ != 0 ? size_ : kInferenceWindowWhenOff;
  const uint64_t tl = top_ & kLow32;
  const uint64_t th = top_ >> 32;
  const uint64_t seql = seq_low;
  uint64_t seqh = th;
  if (tl >= w - 1) {
    if (seql < tl - w + 1) {
      if (th == kLow32) return std::nullopt;  // past the end of the 64-bit space
      seqh = th + 1;
    }
  } else {
    const uint64_t bottom = (tl - w + 1) & kLow32;  // mod 2^32
    if (seql >= bottom) {
      if (th == 0) return std::nullopt;  // before sequence number 1
      seqh = th - 1;
    }
  }
  return (seqh << 32) | seql;
}

std::optional<uint64_t> ReplayWindow::check(uint32_t seq_low) const {
  uint64_t seq = seq_low;
  if (esn_) {
    std::optional<uint64_t> full = infer(seq_low);
    if (!full) return std::nullopt;
    seq = *full;
  }
  if (seq == 0) return std::nullopt;
  if (size_ == 0 || seq > top_) return seq;
  if (top_ - seq >= size_) return std::nullopt;             // too old: left of the window
  if ((block(seq) >> (seq & 63)) & 1) return std::nullopt;  // replayed
  return seq;
}

void ReplayWindow::commit(uint64_t seq) {
  if (size_ == 0) {
    if (seq > top_) top_ = seq;
    return;
  }
  if (seq > top_) {
    // Slide: clear the blocks the window moves into (all of them, at most).
    const uint64_t old_block = top_ >> 6;
    uint64_t moved = (seq >> 6) - old_block;
    const uint64_t mask = block_mask();
    if (moved > mask + 1) moved = mask + 1;
    uint64_t* const bits = bitmap();
    for (uint64_t i = 1; i <= moved; ++i) bits[(old_block + i) & mask] = 0;
    top_ = seq;
  } else if (top_ - seq >= size_) {
    return;  // left the window since check(): nothing to remember
  }
  block(seq) |= uint64_t{1} << (seq & 63);
}

bool ReplayWindow::is_marked(uint64_t seq) const {
  if (size_ == 0 || seq > top_ || top_ - seq >= size_) return false;
  return (block(seq) >> (seq & 63)) & 1;
}

}  // namespace tern::esp
