// The octets an IKE_AUTH AUTH payload signs or MACs (RFC 7296 §2.15):
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//   ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
//   MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
//   MACedIDForR = prf(SK_pr, RestOfRespIDPayload)
//
// RealMessage is the whole IKE_SA_INIT message the signer sent (from the IKE
// header on, as sent — its Length field included), NonceData is the body of
// the peer's Nonce payload, and RestOfIDPayload the signer's ID payload
// without its generic payload header:
//
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   ID Type     |                 RESERVED                      |  <- id_payload_body
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                   Identification Data                         ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Who calls it: the ike_auth task, for its own AUTH (with its own message,
// the peer's nonce and SK_pi / SK_pr as initiator / responder) and for the
// peer's (the peer's message, our nonce, the peer's SK_p). Cannot fail.
#pragma once

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "crypto/prf.h"

namespace tern::crypto {

Bytes signed_octets(const Prf& prf, ByteView real_message, ByteView peer_nonce, const SecretBytes& SK_p,
                    ByteView id_payload_body);

}  // namespace tern::crypto
