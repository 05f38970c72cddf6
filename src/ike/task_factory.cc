// Task sets per exchange (see task_factory.h).
#include "ike/task_factory.h"

#include "ike/tasks/auth_failed_notice.h"
#include "ike/tasks/child_create.h"
#include "ike/tasks/child_create_additional.h"
#include "ike/tasks/child_delete.h"
#include "ike/tasks/child_rekey.h"
#include "ike/tasks/ike_auth.h"
#include "ike/tasks/ike_delete.h"
#include "ike/tasks/ike_init.h"
#include "ike/tasks/ike_mobike.h"
#include "ike/tasks/ike_natd.h"
#include "ike/tasks/ike_rekey.h"
#include "ike/tasks/invalid_spi_notice.h"
#include "ike/tasks/malformed_request.h"
#include "ike/tasks/mobike_update.h"

namespace tern::ike {

std::vector<std::unique_ptr<Task>> ike_sa_setup_tasks(Role role) {
  std::vector<std::unique_ptr<Task>> tasks;
  // First, so that it answers a malformed IKE_AUTH request before ike_auth looks at it.
  if (role == Role::responder) tasks.push_back(std::make_unique<MalformedRequest>());
  tasks.push_back(std::make_unique<IkeInit>(role));
  tasks.push_back(std::make_unique<IkeNatd>(role));
  tasks.push_back(std::make_unique<IkeAuth>(role));
  tasks.push_back(std::make_unique<ChildCreate>(role));
  tasks.push_back(std::make_unique<IkeMobike>(role));
  return tasks;
}

std::vector<std::unique_ptr<Task>> responder_tasks_for(const IkeMessage& request) {
  std::vector<std::unique_ptr<Task>> tasks;
  if (request.malformed) {
    tasks.push_back(std::make_unique<MalformedRequest>());
    return tasks;
  }
  if (request.exchange == wire::ExchangeType::CREATE_CHILD_SA) {
    const auto* sa_payload = request.find<wire::SaPayload>(wire::PayloadType::SA);
    const bool rekeys_ike = sa_payload != nullptr && !sa_payload->proposals.empty() &&
                            sa_payload->proposals.front().protocol == wire::ProtocolId::IKE;
    if (request.find_notify(wire::NotifyType::REKEY_SA) != nullptr) {
      tasks.push_back(std::make_unique<ChildRekey>());
    } else if (rekeys_ike) {
      // §1.3.2: SA with protocol IKE and no N(REKEY_SA) rekeys the IKE SA.
      tasks.push_back(std::make_unique<IkeRekey>(Role::responder));
    } else {
      tasks.push_back(std::make_unique<ChildCreateAdditional>());
    }
    return tasks;
  }
  if (request.exchange != wire::ExchangeType::INFORMATIONAL) return tasks;
  bool deletes_ike = false, deletes_child = false;
  for (const wire::Payload& p : request.payloads) {
    if (const auto* d = std::get_if<wire::DeletePayload>(&p.body)) {
      deletes_ike |= d->protocol == wire::ProtocolId::IKE;
      deletes_child |= d->protocol != wire::ProtocolId::IKE;
    }
  }
  // Deleting the IKE SA deletes its CHILD_SAs too (§1.4.1): D(ESP) beside D(IKE) adds nothing.
  if (deletes_ike) {
    tasks.push_back(std::make_unique<IkeDelete>(Role::responder));
  } else if (deletes_child) {
    tasks.push_back(std::make_unique<ChildDelete>());
  }
  if (!deletes_ike && request.find_notify(wire::NotifyType::INVALID_SPI) != nullptr)
    tasks.push_back(std::make_unique<InvalidSpiNotice>());
  if (!deletes_ike && request.find_notify(wire::NotifyType::AUTHENTICATION_FAILED) != nullptr)
    tasks.push_back(std::make_unique<AuthFailedNotice>());
  // RFC 4555 §3.5, §3.6, §3.8: an address update, only a new list of the peer's addresses, or a
  // liveness check with NAT_DETECTION (answered with the hashes of where it came from).
  const bool moves = request.find_notify(wire::NotifyType::UPDATE_SA_ADDRESSES) != nullptr ||
                     request.find_notify(wire::NotifyType::ADDITIONAL_IP4_ADDRESS) != nullptr ||
                     request.find_notify(wire::NotifyType::ADDITIONAL_IP6_ADDRESS) != nullptr ||
                     request.find_notify(wire::NotifyType::NO_ADDITIONAL_ADDRESSES) != nullptr ||
                     request.find_notify(wire::NotifyType::NAT_DETECTION_SOURCE_IP) != nullptr;
  if (!deletes_ike && moves) tasks.push_back(std::make_unique<MobikeUpdate>());
  return tasks;
}

}  // namespace tern::ike
