// ike_auth: identities and PSK authentication in IKE_AUTH (RFC 7296 §1.2,
// §2.15, §3.5, §3.8).
//
//   HDR, SK {IDi, [IDr,] AUTH, SAi2, TSi, TSr}  -->
//                           <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
//
// AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) with the
// SignedOctets of crypto/signed_octets.h: our own IKE_SA_INIT message as sent,
// the peer's nonce and prf(SK_px, ID payload body). Passive in IKE_SA_INIT.
//
// The responder picks its connection again by identities (IDi against remote
// ids, IDr if sent against local ids; connection_select.h) before it checks
// AUTH with that connection's PSK. INITIAL_CONTACT (§2.4) goes in the
// initiator's request when IkeSa::send_initial_contact says so; when received
// it is recorded on the SA (initial_contact_received) for the Endpoint, which
// deletes older IKE SAs between the same identities.
//
// Fails: the responder answers AUTHENTICATION_FAILED (and the SA dies) when
// IDi is not the configured remote identity, IDr names another identity than
// ours (when no connection fits the identities: those of the connection
// chosen by addresses), the AUTH method is not SHARED_KEY_MIC or the MAC does not verify. The
// initiator dies on N(AUTHENTICATION_FAILED) or any error notify without IDr,
// or when the responder's identity or AUTH does not check out.
//
// The ID body is re-encoded from the parsed payload (wire::IdPayload keeps no
// RESERVED octets), which equals the received octets for every peer that
// sends RESERVED as zero, as §3.5 requires.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class IkeAuth final : public Task {
 public:
  explicit IkeAuth(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::ike_auth; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  bool authenticated_ = false;  // responder: the request's AUTH verified
};

}  // namespace tern::ike
