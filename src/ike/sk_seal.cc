#include "ike/sk_seal.h"

#include <fmt/format.h>

#include <variant>

#include "wire/codec_error.h"

namespace tern::ike {
namespace {

constexpr size_t kMaxIvSize = 16;  // AES-CBC; AEAD IVs are 8 octets

size_t padding_for(size_t inner_size, size_t block_size) {
  // Padding so that inner || Padding || Pad Length is a multiple of block_size.
  return (block_size - (inner_size + 1) % block_size) % block_size;
}

// inner || zero padding || Pad Length
Bytes pad(ByteView inner, size_t block_size) {
  size_t padding = padding_for(inner.size(), block_size);
  Bytes plaintext;
  plaintext.reserve(inner.size() + padding + 1);
  plaintext.assign(inner.begin(), inner.end());
  plaintext.insert(plaintext.end(), padding, 0);
  plaintext.push_back(static_cast<uint8_t>(padding));
  return plaintext;
}

// Seals `plaintext_inner` into a message whose prefix (everything up to the
// encrypted octets) `build_prefix` makes, given the encrypted size.
template <typename BuildPrefix>
Bytes seal(ByteView inner, const crypto::SkCipher& cipher, crypto::Random& random, BuildPrefix build_prefix) {
  Bytes plaintext = pad(inner, cipher.block_size());
  size_t encrypted_size = cipher.iv_size() + plaintext.size() + cipher.icv_size();
  Bytes message = build_prefix(encrypted_size);  // with room for the encrypted octets
  uint8_t iv_octets[kMaxIvSize];
  if (cipher.iv_size() > kMaxIvSize) TERN_BUG("SK cipher with an IV longer than 16 octets");
  const MutableByteView iv(iv_octets, cipher.iv_size());
  random.fill(iv);
  Bytes sealed = cipher.seal(message, iv, plaintext);
  append(message, iv);
  append(message, sealed);
  return message;
}

// Splits `encrypted` (IV || ciphertext || ICV at the end of `datagram`),
// checks the ICV, decrypts and strips the padding.
Result<Bytes> open(ByteView datagram, ByteView encrypted, const crypto::SkCipher& cipher,
                   std::string_view what) {
  size_t minimum = cipher.iv_size() + 1 + cipher.icv_size();
  if (encrypted.size() < minimum || encrypted.size() > datagram.size())
    return fail(Errc::truncated, fmt::format("{} payload: {} encrypted octets, the cipher needs at least {}",
                                             what, encrypted.size(), minimum));
  ByteView associated = datagram.first(datagram.size() - encrypted.size());
  ByteView iv = encrypted.first(cipher.iv_size());
  auto plaintext = cipher.open(associated, iv, encrypted.subspan(cipher.iv_size()));
  if (!plaintext) return fail(std::move(plaintext.error()));
  if (plaintext->empty()) return wire::invalid_syntax(fmt::format("{} payload: empty plaintext", what));
  size_t pad_length = plaintext->back();
  if (pad_length + 1 > plaintext->size())
    return fail(Errc::bad_padding, wire::notify_number(wire::NotifyType::INVALID_SYNTAX),
                fmt::format("{} payload: Pad Length {} exceeds the {}-octet plaintext", what, pad_length,
                            plaintext->size()));
  plaintext->resize(plaintext->size() - pad_length - 1);
  return std::move(*plaintext);
}

template <typename T>
const T* last_payload_as(const wire::Message& message) {
  if (message.payloads.empty()) return nullptr;
  return std::get_if<T>(&message.payloads.back().body);
}

}  // namespace

size_t sealed_size(size_t inner_size, const crypto::SkCipher& cipher) {
  return cipher.iv_size() + inner_size + padding_for(inner_size, cipher.block_size()) + 1 + cipher.icv_size();
}

Bytes seal_message(const wire::IkeHeader& header, std::span<const wire::Payload> outer,
                   std::span<const wire::Payload> inner, const crypto::SkCipher& cipher,
                   crypto::Random& random) {
  wire::InnerChain chain = wire::encode_inner_chain(inner);
  wire::Message message{header, {outer.begin(), outer.end()}};
  wire::SkPayload sk;
  sk.first_inner = chain.first;
  message.payloads.push_back({wire::PayloadType::SK, false, std::move(sk)});
  return seal(chain.bytes, cipher, random,
              [&](size_t encrypted_size) { return wire::build_message_prefix(message, encrypted_size); });
}

Result<std::vector<wire::Payload>> open_message(ByteView datagram, const wire::Message& message,
                                                const crypto::SkCipher& cipher) {
  const auto* sk = last_payload_as<wire::SkPayload>(message);
  if (sk == nullptr) TERN_BUG("open_message on a message without an SK payload");
  auto inner = open(datagram, sk->encrypted, cipher, "SK");
  if (!inner) return fail(std::move(inner.error()));
  return wire::parse_payload_chain(sk->first_inner, *inner);
}

Bytes seal_fragment(const wire::IkeHeader& header, wire::PayloadType first_inner, uint16_t fragment_number,
                    uint16_t total_fragments, ByteView chunk, const crypto::SkCipher& cipher,
                    crypto::Random& random) {
  wire::SkfPayload skf;
  skf.first_inner = first_inner;
  skf.fragment_number = fragment_number;
  skf.total_fragments = total_fragments;
  wire::Message message{header, {}};
  message.payloads.push_back({wire::PayloadType::SKF, false, std::move(skf)});
  return seal(chunk, cipher, random,
              [&](size_t encrypted_size) { return wire::build_message_prefix(message, encrypted_size); });
}

Result<Bytes> open_fragment(ByteView datagram, const wire::Message& message, const crypto::SkCipher& cipher) {
  const auto* skf = last_payload_as<wire::SkfPayload>(message);
  if (skf == nullptr) TERN_BUG("open_fragment on a message without an SKF payload");
  return open(datagram, skf->encrypted, cipher, "SKF");
}

}  // namespace tern::ike
