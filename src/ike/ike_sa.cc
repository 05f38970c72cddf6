// IkeSa construction and state names (see ike_sa.h).
#include "ike/ike_sa.h"

namespace tern::ike {

IkeSa::IkeSa(IkeSaId sa_id, Role sa_role, std::shared_ptr<const ConnectionConfig> sa_config,
             Address local_addr, Address remote_addr)
    : id(sa_id), role(sa_role), config(std::move(sa_config)), local(local_addr), remote(remote_addr) {}

std::string_view to_string(IkeSaState state) {
  switch (state) {
    case IkeSaState::created: return "CREATED";
    case IkeSaState::init_done: return "CONNECTING";
    case IkeSaState::established: return "ESTABLISHED";
    case IkeSaState::deleting: return "DELETING";
    case IkeSaState::dead: return "DESTROYING";
  }
  return "UNKNOWN";
}

}  // namespace tern::ike
