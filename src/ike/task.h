// A task: one piece of an exchange, in the strongSwan model (DESIGN.md). Its
// role is fixed at construction. The task manager (task_manager.h) calls, per
// exchange:
//   initiator:  build(request) ... send ... process(response)
//   responder:  process(request) ... build(response) ... send
// on every active task in order. A task that spans several exchanges
// (ike_auth is passive in IKE_SA_INIT, active in IKE_AUTH) looks at
// msg.exchange and returns need_more until it is finished.
//
// How a task fails: it returns TaskStatus::failed after setting the IKE SA's
// death reason (IkeSa::die). A responder task that fails in build() replaces
// the response's payloads with the error notify to answer with; the manager
// sends it and the SA is destroyed. Tasks never see a message that has not
// passed wire::parse_message, SK open and wire::check_payload_rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/cert_cache.h"
#include "crypto/random.h"
#include "crypto/x509_certificate.h"
#include "ike/address.h"
#include "ike/connection_config.h"
#include "ike/effects.h"
#include "ike/endpoint_counters.h"
#include "ike/ike_message.h"

namespace tern::ike {

class IkeSa;
class IkeSaTable;

enum class Role : uint8_t { initiator, responder };

enum class TaskStatus : uint8_t {
  need_more,         // keep me for the next exchange
  done,              // finished: remove me
  failed,            // the IKE SA must die (reason set with IkeSa::die)
  restart_exchange,  // initiator: start IKE_SA_INIT over with Message ID 0 (INVALID_KE_PAYLOAD)
};

enum class TaskType : uint8_t {
  ike_init,
  ike_natd,
  ike_auth,
  child_create,
  ike_delete,
  child_delete,
  child_rekey,
  ike_dpd,
  ike_rekey,
  child_create_additional,
  malformed_request,
  invalid_spi_notice,
  auth_failed_notice,
  ike_mobike,
  mobike_update,
  other,  // tests' own tasks
};

// Everything a task may touch during one call. Valid for that call only.
struct TaskContext {
  IkeSa& sa;
  crypto::Random& random;
  const EndpointConfig& config;
  std::vector<Effect>& effects;
  EndpointCounters& counters;
  Timestamp now;
  IkeSaTable* table = nullptr;  // new IKE SAs (ike_rekey); the Endpoint always sets it
  // The wall-clock time (UTC) that goes with `now`, for certificate validity;
  // nullopt when the Endpoint was never told (Endpoint::set_wall_clock_offset).
  std::optional<crypto::WallTime> wall_now;
  crypto::CertCache* cert_cache = nullptr;  // the Endpoint's parsed peer certificates (ike_auth)
  // Our usable local addresses as io/ last reported them (Endpoint::on_local_addresses):
  // MOBIKE announces the others as ADDITIONAL_IP*_ADDRESS. nullptr: never reported.
  const std::vector<Address>* local_addresses = nullptr;
  // Responder: the addresses the request being processed arrived on and came
  // from (UPDATE_SA_ADDRESSES moves the IKE SA there). Unset otherwise.
  std::optional<Address> received_local;
  std::optional<Address> received_remote;

  void event(EventKind kind, std::string text);
};

class Task {
 public:
  explicit Task(Role role) : role_(role) {}
  virtual ~Task() = default;
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  virtual TaskType type() const = 0;
  // The exchange an initiator task starts once the IKE SA is established
  // (before that, the SA's state decides: IKE_SA_INIT, then IKE_AUTH).
  virtual wire::ExchangeType exchange() const { return wire::ExchangeType::INFORMATIONAL; }
  // Initiator: add to the request. Responder: add to the response.
  virtual TaskStatus build(TaskContext& ctx, IkeMessage& msg) = 0;
  // Initiator: read the response. Responder: read the request.
  virtual TaskStatus process(TaskContext& ctx, const IkeMessage& msg) = 0;
  // Initiator: retransmission `retransmit` (1, 2, ...) of the request this
  // task built is due. True: the task moved the IKE SA to other addresses
  // (MOBIKE path probing), and the request is built again, same Message ID.
  virtual bool before_retransmit(TaskContext& /*ctx*/, uint32_t /*retransmit*/) { return false; }

  Role role() const { return role_; }
  bool initiator() const { return role_ == Role::initiator; }

 private:
  Role role_;
};

}  // namespace tern::ike
