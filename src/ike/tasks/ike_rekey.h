// ike_rekey: rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 §1.3.2,
// §2.8, §2.18). New SPIs, a new Diffie-Hellman exchange, new keys; no new
// authentication.
//
//   HDR, SK {SA, Ni, KEi}  -->
//                 <--  HDR, SK {SA, Nr, KEr}
//
// SA carries our IKE proposals, each with the 8-octet SPI we will have on
// the new IKE SA. SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the
// old IKE SA's PRF; the new keys come from prf+ of the new suite, with the
// new SPIs (crypto::derive_rekeyed_ike_sa_keys). The initiator of the rekey
// is the original initiator of the new IKE SA (its I flag); both Message ID
// counters start at 0; the windows stay those negotiated in IKE_AUTH.
//
// Initiator (the connection's rekey_time, or `ternctl rekey CONN`): goes out
// alone (the task manager holds it until no other request of ours is
// outstanding, and holds every other request while it is). On a good answer
// it makes the new IKE SA (TaskContext::table), moves the CHILD_SAs and the
// queued tasks to it, marks the old one `rekeyed` and deletes it with
// INFORMATIONAL D(IKE), the last request on the old SA (§2.8).
// INVALID_KE_PAYLOAD naming a group of our proposals is retried once with it;
// TEMPORARY_FAILURE (the peer is busy, §2.25) is retried 2 to 10 s later;
// any other refusal keeps the old IKE SA and says why in an ike_sa_rekey_failed
// Event (retried after a minute when the rekey was due by time).
//
// Responder: selects as ike_init does; KE must be of the selected group
// (else INVALID_KE_PAYLOAD with it). Refuses with TEMPORARY_FAILURE (§2.25.2)
// when it is deleting the IKE SA, when the SA was already rekeyed, or while
// a request of its own other than a liveness check is outstanding (a
// CREATE_CHILD_SA or a Delete of a CHILD_SA: its answer comes on the old IKE
// SA, about CHILD_SAs that would have moved). Otherwise it makes the new
// IKE SA when it answers, moves the CHILD_SAs to it, and waits for the
// initiator's Delete of the old one (state rekeyed).
//
// Simultaneous rekeys (§2.8.2, §2.25.2): a request that arrives while our
// own rekey is in flight is answered as usual, but the CHILD_SAs stay until
// both exchanges are done (IkeSa::peer_rekey records the peer's). The new
// IKE SA made by the exchange that holds the lowest of the four nonces
// (octet by octet; a nonce that is a prefix of another is lower) is
// redundant: the end that initiated that exchange deletes it. The CHILD_SAs
// move to the other one, and the initiator of the surviving exchange deletes
// the old IKE SA. Both ends compute the same answer from the same nonces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/key_exchange.h"
#include "crypto/suite.h"
#include "ike/proposal.h"
#include "ike/task.h"
#include "wire/notify_payload.h"

namespace tern::ike {

// §2.8.2: `old` has a rekey of the peer's that we answered while ours was in
// flight (IkeSa::peer_rekey), and that one stands after all: ours failed, or
// the peer deleted `old` before our rekey was answered (it deletes the old
// IKE SA only when its own rekey survived). Moves the CHILD_SAs and queued
// tasks to the peer's new IKE SA and marks `old` rekeyed. False (and
// peer_rekey cleared) when there is no such IKE SA any more.
bool hand_over_to_peers_rekey(TaskContext& ctx, IkeSa& old);

class IkeRekey final : public Task {
 public:
  explicit IkeRekey(Role role) : Task(role) {}

  TaskType type() const override { return TaskType::ike_rekey; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::CREATE_CHILD_SA; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  TaskStatus build_request(TaskContext& ctx, IkeMessage& msg);
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);
  void process_request(TaskContext& ctx, const IkeMessage& msg);
  void build_response(TaskContext& ctx, IkeMessage& msg);
  // Initiator: the rekey did not happen; the old IKE SA stays. `retry_in`:
  // when to try again (nullopt: only if the rekey was due by time, in a minute).
  TaskStatus give_up(TaskContext& ctx, std::string why, std::optional<Duration> retry_in = std::nullopt);
  void refuse(TaskContext& ctx, wire::NotifyType type, Bytes data, std::string why);
  // Derives the new IKE SA's keys and puts it in the table; nullptr on failure (event emitted).
  IkeSa* make_new_sa(TaskContext& ctx, const crypto::IkeSuite& suite, ByteView g_ir, uint64_t spi_i,
                     uint64_t spi_r);

  uint64_t new_spi_ = 0;  // ours on the new IKE SA (reserved in the table)
  Bytes nonce_i_, nonce_r_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  std::optional<wire::KeGroup> retry_group_;  // initiator: the group the peer asked for
  // Responder:
  std::optional<wire::NotifyPayload> error_;
  std::optional<Selection<crypto::IkeSuite>> selected_;
  uint64_t peer_spi_ = 0;
  Bytes peer_ke_;
};

}  // namespace tern::ike
