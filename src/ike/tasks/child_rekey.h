// child_rekey: rekeying a CHILD_SA with CREATE_CHILD_SA (RFC 7296 §1.3.3,
// §2.8, §2.17), with a new Diffie-Hellman exchange when the child's ESP
// proposals name a group (PFS).
//
//   HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}  -->
//                        <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
//
// N(REKEY_SA) carries protocol ESP and the SPI the initiator of the exchange
// receives on (its inbound SPI of the old CHILD_SA); SA offers the configured
// ESP suites with a fresh inbound SPI; TSi/TSr are the old child's.
// KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr), with this exchange's nonces.
//
// Initiator (ternctl rekey, the child's rekey_time, a soft volume limit;
// either original role): made with the old child's inbound SPI, which marks
// it `rekeying` until the answer. On a good answer it installs the new
// CHILD_SA and deletes the old one with child_delete (INFORMATIONAL
// D(ESP, old SPI)); the data plane sends on the newest child of a policy
// (esp/sa_table.h), so traffic moves at once. INVALID_KE_PAYLOAD naming a
// group of our suites is retried once with it. A refusal over PFS
// (INVALID_KE for a group we do not list, NO_PROPOSAL_CHOSEN) keeps the old
// child until its life_time, says why once per child ("peer 192.0.2.2
// refused the PFS group ecp256 for child net; it accepts: modp2048"), stores
// it as the child's rekey_problem and tries once more later
// (pfs_diagnosis.h). Any other refusal (TS_UNACCEPTABLE, CHILD_SA_NOT_FOUND,
// ...) keeps the old child and says why in a child_sa_rekey_failed Event.
// Both are counted in child_rekeys_failed.
// TEMPORARY_FAILURE (§2.25.1: the peer is deleting that child) schedules
// another try 2 to 10 s later (child_rekeys_postponed), which happens only if
// the child is still there and not replaced by then. A child gone, being
// deleted or already replaced by the peer's rekey before the request is built
// (it waited behind the window) turns the request into an empty INFORMATIONAL
// (a liveness check), since CREATE_CHILD_SA cannot be empty.
//
// Responder: picks the proposal as child_create does and installs the new
// CHILD_SA BEFORE its answer is sent (make-before-break: the new inbound SA
// exists when the initiator starts to use it); the old one is deleted by the
// initiator's Delete. Refusals are answered with one notify, the IKE SA and
// the old child stay: CHILD_SA_NOT_FOUND (§3.10.1) for an SPI that names no
// child of ours (or one the peer's earlier rekey replaced), TEMPORARY_FAILURE
// for one we are trying to close (§2.25.1: our Delete of it is queued or in
// flight, by command, hard limit, or because our own rekey of it completed;
// child_rekeys_refused_closing), NO_PROPOSAL_CHOSEN (when the peer's PFS
// groups share none with ours, also said once per child, pfs_diagnosis.h),
// INVALID_KE_PAYLOAD with the group we want, TS_UNACCEPTABLE.
//
// Collisions (RFC 7296 §2.8.1, §2.25.1; tests/ike/child_rekey_collision_test.cc):
//  - The peer's rekey of a child we are rekeying ourselves is answered as
//    usual; its Ni, Nr and our new inbound SPI are kept on the old ChildSa
//    (ChildSa::peer_rekey). When our own exchange completes too, both are
//    known and the lowest of the four nonces decides (rekey_collision.h): the
//    pair made by the exchange holding it is redundant and deleted by that
//    exchange's initiator; the initiator of the other deletes the old pair.
//    The peer decides the same from the same nonces, so exactly one new pair
//    survives at both ends (child_rekey_collisions, _lost; a
//    child_sa_rekey_collision Event says who won and which SPIs go).
//  - An end decides only when its own exchange completes after it answered
//    the peer's. An end whose own rekey completes before the peer's request
//    arrives knows of no collision: it is closing the old child by then and
//    answers that request TEMPORARY_FAILURE, and the peer, which answered
//    ours, keeps our pair. Either way both ends agree.
//  - Rekey crossing a Delete: the peer's Delete of the old child is answered
//    as usual (child_delete); an answer that then finds the old child gone,
//    or being deleted here by command, installs nothing and asks the peer to
//    drop its half (D(ESP, new SPI)); an answer whose new SPI the peer has
//    already deleted (its Delete overtook the answer; IkeSa::
//    unknown_spis_deleted) installs nothing at all. A peer's rekey request
//    that arrives while our Delete of the child is queued or in flight gets
//    TEMPORARY_FAILURE; a command to take a child down deletes every CHILD_SA
//    of that name, so a pair the peer's rekey made just before goes too.
//  The loser installs its redundant pair with defer_outbound (effects.h), so
//  it never sends on it while it deletes it; the winner's pair, which the
//  loser answered, is used once ESP arrives on it.
// Never fails the IKE SA; never installs without recording the child, and
// every installed pair is removed again by exactly one Delete, so nothing leaks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/key_exchange.h"
#include "ike/proposal.h"
#include "ike/task.h"
#include "wire/notify_payload.h"
#include "wire/ts_payload.h"

namespace tern::ike {

struct ChildSa;

class ChildRekey final : public Task {
 public:
  // Responder.
  ChildRekey() : Task(Role::responder) {}
  // Initiator: rekey the CHILD_SA whose inbound SPI is `old_spi_in`.
  explicit ChildRekey(uint32_t old_spi_in) : Task(Role::initiator), old_spi_in_(old_spi_in) {}

  TaskType type() const override { return TaskType::child_rekey; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::CREATE_CHILD_SA; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  TaskStatus build_request(TaskContext& ctx, IkeMessage& msg);
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);
  void process_request(TaskContext& ctx, const IkeMessage& msg);
  void build_response(TaskContext& ctx, IkeMessage& msg);
  // Initiator: the rekey did not happen; the old child stays.
  TaskStatus give_up(TaskContext& ctx, std::string why);
  // Initiator: the peer refused over the PFS group (pfs_diagnosis.h: said once per child).
  TaskStatus refused_over_pfs(TaskContext& ctx, const std::string& problem);
  void refuse(TaskContext& ctx, wire::NotifyType type, Bytes data, std::string why);
  // Initiator: our exchange completed for a child whose rekey by the peer we answered meanwhile.
  TaskStatus resolve_collision(TaskContext& ctx, ChildSa& old, uint32_t new_spi_out);

  // The connection's child the old CHILD_SA is an instance of (by its name):
  // its ESP proposals, PFS group, selectors and limits apply to the new one.
  const ChildConfig& child_config(const TaskContext& ctx) const;

  uint32_t old_spi_in_ = 0;  // the old child, by our inbound SPI
  std::string child_name_;   // the old child's name
  uint32_t new_spi_in_ = 0;
  uint32_t new_spi_out_ = 0;
  Bytes nonce_i_, nonce_r_;  // this exchange's Ni, Nr
  std::unique_ptr<crypto::KeyExchange> ke_;
  std::optional<wire::KeGroup> retry_group_;  // initiator: the group the peer asked for
  // Responder:
  std::optional<wire::NotifyPayload> error_;
  std::optional<Selection<EspSuite>> selected_;
  std::vector<wire::TrafficSelector> tsi_, tsr_;
  ChildMode mode_ = ChildMode::tunnel;
  Bytes peer_ke_;
  bool collision_ = false;  // we were rekeying the same child when the request came
};

}  // namespace tern::ike
