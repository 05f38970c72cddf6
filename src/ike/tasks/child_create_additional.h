// child_create_additional: a further CHILD_SA on an established IKE SA, made
// with CREATE_CHILD_SA (RFC 7296 §1.3.1, §2.9, §2.17), optionally with its
// own Diffie-Hellman exchange (PFS) when the child's ESP proposals name a group.
//
//   HDR, SK {SA, Ni, [KEi], TSi, TSr, [N(USE_TRANSPORT_MODE)]}  -->
//                    <--  HDR, SK {SA, Nr, [KEr], TSi, TSr, [N(USE_TRANSPORT_MODE)]}
//
// KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr), with this exchange's nonces
// (child_install.h).
//
// Initiator (made for one child of the connection, by name): after IKE_AUTH
// for each further child of the connection (child_create queues them), on
// `ternctl up CONN/CHILD` for an IKE SA that is up, and by a reauthentication
// for each child that was up. Offers the child's ESP suites (with their PFS
// groups) with a fresh inbound SPI, KEi in the first suite's group, TSi =
// local_ts, TSr = remote_ts. Accepts an answer with one of its suites,
// selectors that are a subset of what it asked for, and KEr in the chosen
// suite's group; then installs the CHILD_SA. INVALID_KE_PAYLOAD naming a
// group of the child's suites is retried once with that group. Any refusal
// (NO_PROPOSAL_CHOSEN, TS_UNACCEPTABLE, NO_ADDITIONAL_SAS, INVALID_KE_PAYLOAD
// for a group we do not list, ...) installs nothing and says why in a
// child_sa_failed Event ("CHILD_SA second: peer 192.0.2.2 refused it:
// TS_UNACCEPTABLE (we asked TSi ... TSr ...)"); an answer we cannot use
// (another suite, wider selectors, no KEr) is refused and the peer asked to
// delete the half it installed (INFORMATIONAL D(ESP, its SPI)), so nothing is
// left half-installed. Counted in child_sas_additional_created / _failed.
//
// Responder: chooses the child of its connection whose selectors narrow the
// peer's (child_select.h), then an ESP proposal of that child, then checks KEi
// against the chosen suite's group; installs the CHILD_SA with
// defer_outbound before the answer goes out (the initiator installs its half
// only when it reads the answer). Refusals are one notify and change nothing:
// TS_UNACCEPTABLE (no child accepts the selectors), NO_PROPOSAL_CHOSEN,
// INVALID_KE_PAYLOAD with the group we want (§1.3.1, §2.7). Counted in
// child_sas_additional_answered / create_child_sa_refused.
//
// Never fails the IKE SA.
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

class ChildCreateAdditional final : public Task {
 public:
  // Responder.
  ChildCreateAdditional() : Task(Role::responder) {}
  // Initiator: make the connection's child named `child`.
  explicit ChildCreateAdditional(std::string child) : Task(Role::initiator), child_name_(std::move(child)) {}

  TaskType type() const override { return TaskType::child_create_additional; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::CREATE_CHILD_SA; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

  const std::string& child_name() const { return child_name_; }

 private:
  TaskStatus build_request(TaskContext& ctx, IkeMessage& msg);
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);
  void process_request(TaskContext& ctx, const IkeMessage& msg);
  void build_response(TaskContext& ctx, IkeMessage& msg);
  // Initiator: nothing was installed; says why.
  TaskStatus give_up(TaskContext& ctx, const std::string& why);
  // Responder: answer with one notify.
  void refuse(TaskContext& ctx, wire::NotifyType type, Bytes data, const std::string& why);

  std::string child_name_;  // the connection's child (initiator: asked for; responder: chosen)
  uint32_t spi_in_ = 0;
  uint32_t spi_out_ = 0;
  Bytes nonce_i_, nonce_r_;
  std::unique_ptr<crypto::KeyExchange> ke_;
  std::optional<wire::KeGroup> retry_group_;  // initiator: the group the peer asked for
  // Responder:
  const ChildConfig* child_ = nullptr;
  std::optional<wire::NotifyPayload> error_;
  std::optional<Selection<EspSuite>> selected_;
  std::vector<wire::TrafficSelector> tsi_, tsr_;
  ChildMode mode_ = ChildMode::tunnel;
  Bytes peer_ke_;
};

}  // namespace tern::ike
