// In-place protection of ESP packets (RFC 4303 §2-3) for one direction of one
// CHILD_SA: AES-GCM-16 (RFC 4106), ChaCha20-Poly1305 (RFC 7634), and AES-CBC
// (RFC 3602) with HMAC-SHA2 (RFC 4868) or HMAC-SHA1-96 (RFC 2404).
//
// Who calls it: esp/ creates one EspCipher per SA direction and per worker
// thread from the KEYMAT the engine installs, frames the packet (header,
// payload, padding, Pad Length, Next Header) and calls seal() outbound; inbound
// it checks the replay window, calls open(), then checks padding and commits
// the window. The cipher never looks at the payload or the trailer.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
// |               Security Parameters Index (SPI)                 | ^ AEAD AAD,
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | HMAC input
// |                      Sequence Number                          | v
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
// |                 IV (iv_size(): 8 AEAD, 16 CBC)                | written by seal()
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
// ~                 Payload Data (variable)                       ~ ^
// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ | encrypted
// |               |          Padding (0-255 bytes)                | | in place
// +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
// |                               |  Pad Length   | Next Header   | v
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ ----
// ~      Integrity Check Value (icv_size()), written by seal()    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//   AEAD:  nonce = salt (last 4 octets of KEYMAT) || IV (RFC 4106 §4, RFC 7634 §2)
//          IV    = esn_high || Sequence Number as sent, unique per key (seal() only;
//                  open() takes whatever IV the peer chose)
//          AAD   = SPI || Seq, or SPI || esn_high || Seq with ESN (RFC 4106 §5, RFC 7634 §2.1)
//   CBC:   IV    = unpredictable (RFC 3602 §2.4): see esp_iv.h
//          ICV   = HMAC(SPI .. end of ciphertext || esn_high with ESN) truncated
//                  (RFC 4303 §3.3.2.1: esn_high is hashed, never sent)
//
// Speed and memory: each OpenSSL context is keyed once, on the first seal()
// or open() (lazy_cipher_ctx.h: a direction of an SA uses one of the two, an
// idle CHILD_SA none); after that a packet costs an IV re-initialisation and
// the cipher itself, with no heap allocation (see esp_aead.cc,
// esp_cbc_hmac.cc, esp_hmac.h for the measured choices).
//
// How it fails: create() returns Errc::unsupported for algorithms or key sizes
// tern does not implement, Errc::bad_key for keys of the wrong length.
// open() returns Errc::truncated for a packet shorter than header + IV + ICV,
// Errc::bad_length for CBC ciphertext that is not whole blocks,
// Errc::integrity_check_failed for a wrong ICV (never with a notify: the packet
// is dropped). After a failed open() the packet bytes are unspecified (AEAD
// ciphertext is overwritten with zeros, never left as unauthenticated
// plaintext). seal() cannot fail on a packet the caller framed: a packet
// shorter than header + IV + ICV or a plaintext not aligned to block_size() is
// a TERN_BUG.
//
// An EspCipher has mutable state (OpenSSL contexts, the CBC IV source): one
// object per SA direction per thread; it is not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/random.h"
#include "wire/iana.h"

namespace tern::crypto {

inline constexpr size_t kEspHeaderSize = 8;  // SPI (4) || Sequence Number (4)

class EspCipher {
 public:
  // encr_key: KEYMAT for encryption (AEAD: key || 4-octet salt); integ_key:
  // empty for AEAD. key_bits is the KEY_LENGTH attribute (0 or 256 for
  // ChaCha20-Poly1305). random: used for the CBC IV source's key only (it
  // must outlive the cipher all the same, so that callers need not know).
  static Result<std::unique_ptr<EspCipher>> create(wire::EncrId encr, uint16_t key_bits, wire::IntegId integ,
                                                   ByteView encr_key, ByteView integ_key, Random& random);

  virtual ~EspCipher() = default;
  EspCipher(const EspCipher&) = delete;
  EspCipher& operator=(const EspCipher&) = delete;

  // 8 (AEAD) or 16 (CBC).
  virtual size_t iv_size() const = 0;
  // 16 (AEAD) or the integrity's truncation (12 for SHA1-96, RFC 4868: 16/24/32).
  virtual size_t icv_size() const = 0;
  // What (payload + padding + 2) must be a multiple of: 4 for AEAD, 16 for CBC.
  virtual size_t block_size() const = 0;

  // `packet` = ESP header || IV space || framed plaintext || ICV space.
  // Writes the IV, encrypts in place and writes the ICV. esn_high: the high
  // 32 bits of the 64-bit sequence number when ESN is in use.
  virtual void seal(MutableByteView packet, std::optional<uint32_t> esn_high) = 0;
  // Same layout. Verifies the ICV (CBC+HMAC: in constant time, before
  // decrypting) and decrypts in place. Never reads outside `packet`.
  virtual Result<void> open(MutableByteView packet, std::optional<uint32_t> esn_high) = 0;

 protected:
  EspCipher() = default;
};

}  // namespace tern::crypto
