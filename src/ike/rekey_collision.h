// The tie-break for simultaneous CHILD_SA rekeys (RFC 7296 §2.8.1): when
// both ends rekeyed the same CHILD_SA at once, two new pairs exist; "the SA
// created with the lowest of the four nonces used in the two exchanges
// SHOULD be closed by the endpoint that created it", lowest by an octet-by-
// octet comparison where a nonce that ends first is the lower one; and "the
// node that initiated the surviving rekeyed SA should delete the replaced SA".
//
// Who calls it: child_rekey (tasks/child_rekey.h), at the end of our rekey
// exchange of a CHILD_SA for which we answered the peer's rekey meanwhile
// (ChildSa::peer_rekey); ike_rekey likewise for simultaneous rekeys of the
// IKE SA (§2.8.2: the same rule, new_spi_in unused). Both ends compute it from the same four nonces and
// so agree on which pair survives. Pure functions; nothing fails.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/random.h"
#include "ike/task.h"

namespace tern::ike {

// One CREATE_CHILD_SA exchange that rekeyed a CHILD_SA: its nonces, and our
// inbound SPI of the pair it created.
struct RekeyExchange {
  Bytes nonce_i;  // Ni
  Bytes nonce_r;  // Nr
  uint32_t new_spi_in = 0;
};

// §2.8.1 "lowest": octet by octet; if one ends first, it is the lower.
bool nonce_lower(ByteView a, ByteView b);

enum class RedundantRekey : uint8_t { ours, theirs };

// Which of the two exchanges made the redundant pair: the one holding the
// lowest of the four nonces. If that nonce occurs in both (only ever with
// forced nonces), the exchanges' other nonces decide; if those are equal too,
// the exchange started by the original initiator of the IKE SA
// (`ike_sa_role`: ours) is the redundant one, a rule both ends apply alike.
RedundantRekey redundant_rekey(const RekeyExchange& ours, const RekeyExchange& theirs, Role ike_sa_role);

// How long to wait before trying again a rekey the peer answered with
// TEMPORARY_FAILURE (§2.25: it is busy closing or rekeying that SA): 2 to 10 s.
Duration temporary_failure_retry(crypto::Random& random);

// The lowest of the four nonces, in hex, for the Event (first octets only).
std::string lowest_nonce_hex(const RekeyExchange& ours, const RekeyExchange& theirs);

}  // namespace tern::ike
