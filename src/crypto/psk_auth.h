// AUTH payload data for a shared key (AUTH method 2, Shared Key Message
// Integrity Code; RFC 7296 §2.15), and for EAP with the MSK as the key
// (§2.16):
//
//   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
//
// "Key Pad for IKEv2" is the 17 ASCII octets without a terminating NUL.
// SignedOctets come from signed_octets.h.
//
// Who calls it: the ike_auth task, to build its own AUTH (psk_auth) and to
// check the peer's (psk_auth_verify, constant time). Neither can fail; a
// mismatch is `false`, which the task answers with AUTHENTICATION_FAILED.
#pragma once

#include "base/bytes.h"
#include "crypto/prf.h"

namespace tern::crypto {

Bytes psk_auth(const Prf& prf, ByteView shared_secret, ByteView signed_octets);

// Recomputes AUTH and compares it with `received_auth` in constant time.
bool psk_auth_verify(const Prf& prf, ByteView shared_secret, ByteView signed_octets, ByteView received_auth);

}  // namespace tern::crypto
