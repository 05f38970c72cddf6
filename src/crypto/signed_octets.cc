#include "crypto/signed_octets.h"

namespace tern::crypto {

Bytes signed_octets(const Prf& prf, ByteView real_message, ByteView peer_nonce, const SecretBytes& SK_p,
                    ByteView id_payload_body) {
  const SecretBytes maced_id = prf.compute(SK_p.view(), id_payload_body);
  Bytes out;
  out.reserve(real_message.size() + peer_nonce.size() + maced_id.size());
  append(out, real_message);
  append(out, peer_nonce);
  append(out, maced_id.view());
  return out;
}

}  // namespace tern::crypto
