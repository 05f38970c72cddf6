// ike_init: the SA, KE and Nonce payloads of IKE_SA_INIT (RFC 7296 §1.2,
// §2.7, §2.10, §2.14), and the IKE SA keys.
//
//   HDR, SAi1, KEi, Ni  -->
//                  <--  HDR, SAr1, KEr, Nr
//
// Initiator: offers every configured suite (one proposal each) with a KEi of
// the first suite's group; on INVALID_KE_PAYLOAD it retries once with the
// named group if it offered it (restart_exchange). On HDR, N(COOKIE) (§2.6)
// it repeats the request with N(COOKIE) as the first payload and SPIi, KEi and
// Ni unchanged, at most kMaxCookieRetries times (a responder that keeps asking
// fails the SA); a retry after INVALID_KE_PAYLOAD goes without the old cookie
// (§2.6.1: its Ni changes, so the responder hands out a new one). Responder: picks the first
// of the initiator's proposals it accepts (proposal.h); NO_PROPOSAL_CHOSEN
// with a proposal_mismatch Event naming the transform types that did not
// match; INVALID_KE_PAYLOAD with the selected group when KEi is of another.
// Both: derive SKEYSEED and SK_* (crypto/key_derivation.h), make the SK
// ciphers, emit the Keylog line, move the SA to init_done.
// IKE fragmentation (RFC 7383 §2.3): N(IKEV2_FRAGMENTATION_SUPPORTED) in the
// request unless the connection says fragmentation = no; the responder
// answers in kind when it got one and supports it too; IkeSa::fragmentation
// records that both did.
//
// Fails (TaskStatus::failed, reason on the SA): any error notify in the
// response, an answer that is not one of our proposals, a KEr of the wrong
// group or an invalid public value, key derivation failure.
#pragma once

#include <optional>

#include "ike/proposal.h"
#include "ike/task.h"
#include "wire/notify_payload.h"

namespace tern::ike {

class IkeInit final : public Task {
 public:
  explicit IkeInit(Role role) : Task(role) {}
  TaskType type() const override { return TaskType::ike_init; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  TaskStatus build_request(TaskContext& ctx, IkeMessage& msg);
  TaskStatus process_response(TaskContext& ctx, const IkeMessage& msg);
  TaskStatus process_request(TaskContext& ctx, const IkeMessage& msg);
  TaskStatus build_response(TaskContext& ctx, IkeMessage& msg);
  // SKEYSEED, SK_*, SK ciphers, keylog; false (reason set) on failure.
  bool derive_keys(TaskContext& ctx, ByteView peer_ke);

  static constexpr uint32_t kMaxCookieRetries = 3;

  std::optional<wire::KeGroup> retry_group_;  // initiator: from INVALID_KE_PAYLOAD
  Bytes cookie_;                              // initiator: the responder's N(COOKIE) data to return
  uint32_t cookie_retries_ = 0;
  // Responder: what the request asked for, or the error to answer with.
  std::optional<Selection<crypto::IkeSuite>> selected_;
  Bytes peer_ke_;
  Bytes ker_;  // responder: our KEr, kept after the private value is gone
  std::optional<wire::NotifyPayload> error_;
};

}  // namespace tern::ike
