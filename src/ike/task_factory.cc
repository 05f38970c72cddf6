// Task sets per exchange (see task_factory.h).
#include "ike/task_factory.h"

#include "ike/tasks/child_create.h"
#include "ike/tasks/ike_auth.h"
#include "ike/tasks/ike_delete.h"
#include "ike/tasks/ike_init.h"
#include "ike/tasks/ike_natd.h"

namespace tern::ike {

std::vector<std::unique_ptr<Task>> ike_sa_setup_tasks(Role role) {
  std::vector<std::unique_ptr<Task>> tasks;
  tasks.push_back(std::make_unique<IkeInit>(role));
  tasks.push_back(std::make_unique<IkeNatd>(role));
  tasks.push_back(std::make_unique<IkeAuth>(role));
  tasks.push_back(std::make_unique<ChildCreate>(role));
  return tasks;
}

std::vector<std::unique_ptr<Task>> responder_tasks_for(const IkeMessage& request) {
  std::vector<std::unique_ptr<Task>> tasks;
  if (request.exchange != wire::ExchangeType::INFORMATIONAL) return tasks;
  for (const wire::Payload& p : request.payloads) {
    const auto* d = std::get_if<wire::DeletePayload>(&p.body);
    if (d != nullptr && d->protocol == wire::ProtocolId::IKE) {
      tasks.push_back(std::make_unique<IkeDelete>(Role::responder));
      break;
    }
  }
  return tasks;
}

}  // namespace tern::ike
