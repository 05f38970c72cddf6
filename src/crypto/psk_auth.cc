#include "crypto/psk_auth.h"

#include "base/secret_bytes.h"
#include "crypto/constant_time.h"

namespace tern::crypto {

namespace {
constexpr char kKeyPad[] = "Key Pad for IKEv2";  // RFC 7296 §2.15; sizeof - 1 = 17 octets, no NUL
}

Bytes psk_auth(const Prf& prf, ByteView shared_secret, ByteView signed_octets) {
  const SecretBytes padded_key = prf.compute(shared_secret, as_bytes({kKeyPad, sizeof kKeyPad - 1}));
  const SecretBytes auth = prf.compute(padded_key.view(), signed_octets);
  return Bytes(auth.view().begin(), auth.view().end());
}

bool psk_auth_verify(const Prf& prf, ByteView shared_secret, ByteView signed_octets, ByteView received_auth) {
  return constant_time_equal(psk_auth(prf, shared_secret, signed_octets), received_auth);
}

}  // namespace tern::crypto
