// Putting an IKE SA's keys to use (RFC 7296 §2.14): the SK cipher for each
// direction by the SA's role (SK_ei/SK_ai out for the original initiator),
// the negotiated PRF, the keys themselves (SK_d for CHILD_SAs and rekeys,
// SK_p for AUTH) and, when `keylog` is set, the Wireshark keylog line
// (crypto/keylog.h) as a Keylog effect.
//
// Who calls it: ike_init once IKE_SA_INIT is done, ike_rekey for the new IKE
// SA a rekey made (§2.18). Fails, changing nothing, when crypto/ cannot make
// the ciphers or the PRF for the suite.
#pragma once

#include <vector>

#include "base/error.h"
#include "crypto/key_derivation.h"
#include "crypto/suite.h"
#include "ike/effects.h"

namespace tern::ike {

class IkeSa;

Result<void> install_ike_sa_keys(IkeSa& sa, const crypto::IkeSuite& suite, crypto::IkeSaKeys keys,
                                 bool keylog, std::vector<Effect>& effects);

}  // namespace tern::ike
