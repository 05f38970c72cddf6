// Protecting IKE messages with the Encrypted payload, SK (RFC 7296 §3.14), and
// its fragment form SKF (RFC 7383 §2.5): the step between wire/ (which knows
// no keys) and crypto/ (which knows no messages). The engine's tasks call
// seal_message() for every message after IKE_SA_INIT and open_message() for
// every one received; the fuzz target "sk_decrypt" drives open_message().
//
// The SK payload is always the last payload, so everything before its
// encrypted octets (IKE header, any outer payloads, the SK header; for SKF
// also Fragment Number / Total Fragments) is the associated data of the
// AEAD ciphers (RFC 5282 §5.1) and the start of what the ICV covers for
// AES-CBC + HMAC (§3.14). The plaintext is the inner payload chain, then
// Padding (zero octets here; any value is accepted on receipt) and the Pad
// Length octet, aligned to the cipher's block size.
//
// How it fails (open_*): Errc::truncated when the encrypted octets cannot
// hold an IV, a Pad Length octet and an ICV; Errc::integrity_check_failed
// (no notify: drop silently — the sender is not proven); Errc::bad_padding when
// an authenticated plaintext's Pad Length exceeds it (answered INVALID_SYNTAX);
// then whatever parse_payload_chain returns for the inner chain.
#pragma once

#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/random.h"
#include "crypto/sk_cipher.h"
#include "wire/message.h"

namespace tern::ike {

// Builds HDR, <outer>, SK{inner} with `header` as given (Next Payload and
// Length are filled in). `outer` is usually empty (it may hold e.g. nothing
// but unknown non-critical payloads). The IV comes from `random`.
Bytes seal_message(const wire::IkeHeader& header, std::span<const wire::Payload> outer,
                   std::span<const wire::Payload> inner, const crypto::SkCipher& cipher,
                   crypto::Random& random);

// `message` was parsed from `datagram` by wire::parse_message and ends in an
// SK payload. Returns the inner payloads.
Result<std::vector<wire::Payload>> open_message(ByteView datagram, const wire::Message& message,
                                                const crypto::SkCipher& cipher);

// --- RFC 7383 fragments ---------------------------------------------------

// One SKF-protected fragment: HDR, SKF{chunk}. `first_inner` is the type of the
// first inner payload for fragment 1 and NONE for the others; `chunk` is this
// fragment's share of the encoded inner chain.
Bytes seal_fragment(const wire::IkeHeader& header, wire::PayloadType first_inner, uint16_t fragment_number,
                    uint16_t total_fragments, ByteView chunk, const crypto::SkCipher& cipher,
                    crypto::Random& random);

// Decrypts one SKF fragment of `message` (parsed from `datagram`) and returns
// its chunk of the inner chain, unparsed: the reassembler concatenates the
// chunks in Fragment Number order and parses the whole with
// wire::parse_payload_chain(first_inner of fragment 1, ...).
Result<Bytes> open_fragment(ByteView datagram, const wire::Message& message, const crypto::SkCipher& cipher);

// The plaintext size the SK payload's encrypted octets will have for
// `inner_size` octets of inner chain: IV + aligned(inner + Pad Length) + ICV.
// The fragmenter uses it to size chunks.
size_t sealed_size(size_t inner_size, const crypto::SkCipher& cipher);

}  // namespace tern::ike
