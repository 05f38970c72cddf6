// Cutting an encrypted message into SKF fragments (see fragmenter.h).
#include "ike/fragmenter.h"

#include <algorithm>
#include <limits>

#include "ike/sk_seal.h"
#include "wire/sk_payload.h"

namespace tern::ike {
namespace {

constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kIpv6HeaderSize = 40;
// HDR, SKF header with Fragment Number and Total Fragments: everything before the IV.
constexpr size_t kSkfPrefixSize =
    wire::kIkeHeaderSize + wire::kPayloadHeaderSize + wire::kSkfFragmentFieldsSize;

}  // namespace

size_t max_ike_message_size(uint32_t fragment_size, AddressFamily family, bool non_esp_marker) {
  const size_t overhead = (family == AddressFamily::ipv4 ? kIpv4HeaderSize : kIpv6HeaderSize) +
                          kUdpHeaderSize + (non_esp_marker ? kNonEspMarkerSize : 0);
  return fragment_size > overhead ? fragment_size - overhead : 0;
}

size_t sk_message_size(size_t inner_size, const crypto::SkCipher& cipher) {
  return wire::kIkeHeaderSize + wire::kPayloadHeaderSize + sealed_size(inner_size, cipher);
}

size_t fragment_chunk_size(size_t max_size, const crypto::SkCipher& cipher) {
  // sealed_size(n) = IV + n + padding + Pad Length + ICV, with n + padding + 1 a multiple of the block size.
  const size_t fixed = kSkfPrefixSize + cipher.iv_size() + cipher.icv_size();
  if (max_size <= fixed) return 1;
  const size_t block = std::max<size_t>(cipher.block_size(), 1);
  const size_t plaintext = (max_size - fixed) / block * block;  // chunk + padding + Pad Length
  return plaintext > 1 ? plaintext - 1 : 1;
}

std::vector<Bytes> seal_fragments(const wire::IkeHeader& header, std::span<const wire::Payload> inner,
                                  size_t max_size, const crypto::SkCipher& cipher, crypto::Random& random) {
  wire::InnerChain chain = wire::encode_inner_chain(inner);
  const ByteView bytes = chain.bytes;
  // At most 65535 fragments fit Total Fragments; a chunk size that would need more grows.
  const size_t chunk = std::max(
      fragment_chunk_size(max_size, cipher),
      (bytes.size() + std::numeric_limits<uint16_t>::max() - 1) / std::numeric_limits<uint16_t>::max());
  const size_t total = std::max<size_t>((bytes.size() + chunk - 1) / chunk, 1);
  std::vector<Bytes> fragments;
  fragments.reserve(total);
  for (size_t i = 0; i < total; ++i) {
    const size_t offset = i * chunk;
    const ByteView part = bytes.subspan(offset, std::min(chunk, bytes.size() - offset));
    fragments.push_back(seal_fragment(header, i == 0 ? chain.first : wire::PayloadType::NONE,
                                      static_cast<uint16_t>(i + 1), static_cast<uint16_t>(total), part,
                                      cipher, random));
  }
  return fragments;
}

}  // namespace tern::ike
