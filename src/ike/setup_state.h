// What an IKE SA keeps only for its setup, and when it lets it go.
//
// Who calls it: the TaskManager once IKE_AUTH completed (as responder after
// its answer went out, as initiator after the answer was processed), and
// ike_rekey for the IKE SA a rekey made (§2.18). Never fails.
//
// What goes: the IKE_SA_INIT messages and the nonces (the signed octets of
// AUTH, §2.15, and the keys of the CHILD_SA made in IKE_AUTH, §2.17), the key
// exchange's private value, SK_pi/SK_pr, the copies of SK_ei/SK_er/SK_ai/SK_ar
// (sk_in and sk_out hold the keys they need) and the CA hashes of the peer's
// CERTREQ and the peer's SIGNATURE_HASH_ALGORITHMS: the whole IkeSaSetup
// block (ike_sa.h) is freed. SK_d stays (IkeSa::sk_d): every CHILD_SA and
// IKE SA rekey derives from it (§2.17, §2.18). About 1.3 KB per IKE SA
// (docs/benchmarks.md "Memory per SA").
#pragma once

namespace tern::ike {

class IkeSa;

void release_setup_state(IkeSa& sa);

}  // namespace tern::ike
