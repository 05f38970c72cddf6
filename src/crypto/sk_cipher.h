// Protection of the Encrypted payload (RFC 7296 §3.14) — and, later, of ESP
// packets (RFC 4303, 4106, 7634) — behind one message-agnostic interface.
//
// Who calls it: the ike/ layer builds the SK payload around seal()'s output and
// hands open() the bytes it parsed; esp/ will do the same with ESP packets.
// The caller chooses the IV (random for CBC, a counter for AEAD), pads the
// plaintext to block_size() itself and strips the padding after open().
//
//   AEAD (AES-GCM-16 per RFC 5282 / RFC 4106, ChaCha20-Poly1305 per RFC 7634):
//     nonce = salt (last 4 octets of the encryption key) || iv (8 octets)
//     AAD   = associated (IKE header .. SK payload header; ESP: SPI || Seq)
//     out   = ciphertext || 16-octet tag
//   AES-CBC + HMAC-SHA2 (RFC 3602, RFC 4868):
//     out   = CBC(plaintext) || truncated HMAC(SK_a, associated || iv || ciphertext)
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |  <- end of `associated`
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     Initialization Vector                     |  <- `iv`
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Encrypted IKE Payloads                     ~  <- seal() output
//   +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |               |             Padding (0-255 octets)            |
//   +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//   |                                               |  Pad Length   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                    Integrity Checksum Data                    ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// How it fails: create() returns Errc::unsupported for algorithms or key sizes
// tern does not implement and Errc::bad_key for keys of the wrong length.
// open() returns Errc::integrity_check_failed when the ICV does not match (no
// notify: the message is dropped), Errc::bad_length / Errc::truncated for
// input that cannot be a protected message. seal() cannot fail on input the
// caller built: a misaligned plaintext or wrong IV size is a TERN_BUG.
//
// ESP note: with Extended Sequence Numbers a non-AEAD ICV also covers the
// high 32 bits of the sequence number placed AFTER the payload (RFC 4303
// §3.3.2.1); esp/ will need an extra trailing-data argument for that case.
// AEAD ESP (RFC 4106 §5, RFC 7634 §2.1) puts them in the AAD, which works as is.
//
// An SkCipher is keyed at creation and immutable afterwards: const methods
// may be called concurrently from several threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::crypto {

class SkCipher {
 public:
  // encr_key is SK_ei / SK_er (for AEAD: key || 4-octet salt, RFC 5282 §7.1,
  // RFC 7634 §2); integ_key is SK_ai / SK_ar (empty for AEAD, whose integ must
  // be NONE). key_bits is the KEY_LENGTH attribute (0 or 256 for ChaCha20).
  static Result<std::unique_ptr<SkCipher>> create(wire::EncrId encr, uint16_t key_bits, wire::IntegId integ,
                                                  ByteView encr_key, ByteView integ_key);

  virtual ~SkCipher() = default;
  SkCipher(const SkCipher&) = delete;
  SkCipher& operator=(const SkCipher&) = delete;

  // Octets of the explicit IV carried on the wire: 8 for AEAD, 16 for AES-CBC.
  virtual size_t iv_size() const = 0;
  // The plaintext passed to seal() must be a multiple of this (16 for CBC;
  // 1 for AEAD, which needs no padding — ESP adds its own 4-octet alignment).
  virtual size_t block_size() const = 0;
  // Octets of the Integrity Checksum Data appended by seal().
  virtual size_t icv_size() const = 0;

  // Encrypts an already padded plaintext. Returns ciphertext || ICV.
  virtual Bytes seal(ByteView associated, ByteView iv, ByteView plaintext) const = 0;
  // Checks the ICV (for CBC+HMAC in constant time and BEFORE decrypting) and
  // returns the padded plaintext.
  virtual Result<Bytes> open(ByteView associated, ByteView iv, ByteView ciphertext_and_icv) const = 0;

 protected:
  SkCipher() = default;
};

}  // namespace tern::crypto
