// IkeSa construction and state names (see ike_sa.h).
#include "ike/ike_sa.h"

#include <fmt/format.h>

namespace tern::ike {

IkeSa::IkeSa(IkeSaId sa_id, Role sa_role, std::shared_ptr<const ConnectionConfig> sa_config,
             Address local_addr, Address remote_addr)
    : id(sa_id), role(sa_role), config(std::move(sa_config)), local(local_addr), remote(remote_addr) {}

const IkeSaSetup& IkeSa::setup() const {
  static const IkeSaSetup kNone;
  return setup_ ? *setup_ : kNone;
}

const IkeSaRare& IkeSa::rare() const {
  static const IkeSaRare kNone;
  return rare_ ? *rare_ : kNone;
}

void IkeSa::trim_rare() {
  if (rare_ && rare_->empty()) rare_.reset();
}

ChildSa* IkeSa::find_child_by_spi_in(uint32_t spi) {
  for (ChildSa& c : children) {
    if (c.spi_in == spi) return &c;
  }
  return nullptr;
}

ChildSa* IkeSa::find_child_by_spi_out(uint32_t spi) {
  for (ChildSa& c : children) {
    if (c.spi_out == spi) return &c;
  }
  return nullptr;
}

bool IkeSa::child_up(std::string_view name) const {
  for (const ChildSa& c : children) {
    if (c.name == name && !c.being_closed() && !c.rekeyed) return true;
  }
  return false;
}

std::optional<Timestamp> IkeSa::liveness_deadline() const {
  if (state != IkeSaState::established || config->dpd_delay <= Duration::zero()) return std::nullopt;
  if (tasks.request_outstanding() || tasks.has_pending_tasks()) return std::nullopt;
  return last_received + config->dpd_delay;
}

std::optional<Timestamp> IkeSa::keepalive_deadline(Duration interval) const {
  if (interval <= Duration::zero() || !local_behind_nat) return std::nullopt;
  if (state != IkeSaState::established) return std::nullopt;
  return last_sent + interval;
}

std::string IkeSa::retiring_reason() const {
  return fmt::format("IKE SA #{} replaced it (a reauthentication) and it is deleted within a second",
                     static_cast<uint64_t>(successor.value_or(IkeSaId{0})));
}

std::string_view to_string(IkeSaState state) {
  switch (state) {
    case IkeSaState::created: return "CREATED";
    case IkeSaState::init_done: return "CONNECTING";
    case IkeSaState::established: return "ESTABLISHED";
    case IkeSaState::deleting: return "DELETING";
    case IkeSaState::rekeyed: return "REKEYED";
    case IkeSaState::dead: return "DESTROYING";
  }
  return "UNKNOWN";
}

}  // namespace tern::ike
