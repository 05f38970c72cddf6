// ike_mobike task (see ike_mobike.h).
#include "ike/tasks/ike_mobike.h"

#include "ike/ike_sa.h"
#include "ike/mobike_addresses.h"

namespace tern::ike {
namespace {

using wire::ExchangeType;
using wire::NotifyType;

void announce(TaskContext& ctx, IkeMessage& msg) {
  msg.add_notify(NotifyType::MOBIKE_SUPPORTED);
  add_additional_addresses(msg, ctx.sa.local, ctx.local_addresses);
}

void remember_addresses(IkeSa& sa, const IkeMessage& msg) {
  std::optional<std::vector<Address>> addresses = read_additional_addresses(msg);
  // NO_ADDITIONAL_ADDRESSES on an SA that knows none changes nothing (and needs no rare block).
  if (addresses && (!addresses->empty() || !sa.rare().peer_additional_addresses.empty())) {
    sa.rare_mut().peer_additional_addresses = std::move(*addresses);
    sa.trim_rare();
  }
}

}  // namespace

TaskStatus IkeMobike::build(TaskContext& ctx, IkeMessage& msg) {
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::need_more;
  IkeSa& sa = ctx.sa;
  if (initiator()) {
    if (!sa.config->mobike) return TaskStatus::done;
    announce(ctx, msg);
    return TaskStatus::need_more;
  }
  // Responder: only on an IKE_AUTH that succeeded (a failed one ends in an error notify).
  if (sa.config->mobike && peer_supports_ && sa.state == IkeSaState::established) {
    announce(ctx, msg);
    sa.mobike = true;
  }
  return TaskStatus::done;
}

TaskStatus IkeMobike::process(TaskContext& ctx, const IkeMessage& msg) {
  if (msg.exchange != ExchangeType::IKE_AUTH) return TaskStatus::need_more;
  IkeSa& sa = ctx.sa;
  const bool supported = msg.find_notify(NotifyType::MOBIKE_SUPPORTED) != nullptr;
  if (!initiator()) {
    peer_supports_ = supported;
    if (supported) remember_addresses(sa, msg);
    return TaskStatus::need_more;  // build() answers
  }
  if (supported && sa.config->mobike && sa.state == IkeSaState::established) {
    sa.mobike = true;
    remember_addresses(sa, msg);
  }
  return TaskStatus::done;
}

}  // namespace tern::ike
