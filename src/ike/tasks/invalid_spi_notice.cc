// invalid_spi_notice task (see invalid_spi_notice.h).
#include "ike/tasks/invalid_spi_notice.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"
#include "ike/tasks/child_create_additional.h"
#include "ike/tasks/child_delete.h"

namespace tern::ike {
namespace {

// Our half of `child` is gone: what the connection's dpd_action does next.
void after_removal(TaskContext& ctx, const std::string& name, const std::string& who) {
  IkeSa& sa = ctx.sa;
  const DpdAction action = sa.config->dpd_action;
  if (action == DpdAction::restart && sa.state == IkeSaState::established &&
      sa.config->find_child(name) != nullptr) {
    ctx.event(EventKind::dpd_action,
              fmt::format("{}: dpd_action restart: creating it again with CREATE_CHILD_SA", who));
    sa.tasks.queue(std::make_unique<ChildCreateAdditional>(name));
  } else if (action == DpdAction::trap) {
    ctx.event(EventKind::dpd_action,
              fmt::format("{}: dpd_action trap: the data plane should trap the children's traffic and "
                          "re-initiate on demand",
                          who));
  }
}

}  // namespace

TaskStatus InvalidSpiNotice::build(TaskContext& /*ctx*/, IkeMessage& /*msg*/) {
  return TaskStatus::done;
}

TaskStatus InvalidSpiNotice::process(TaskContext& ctx, const IkeMessage& msg) {
  for (const wire::Payload& p : msg.payloads) {
    const auto* n = std::get_if<wire::NotifyPayload>(&p.body);
    if (n == nullptr || n->type != wire::NotifyType::INVALID_SPI) continue;
    ++ctx.counters.invalid_spi_reported;
    if (n->data.size() != 4) {
      ctx.event(
          EventKind::invalid_spi_reported,
          fmt::format("peer sent INVALID_SPI with {} octets of data (4 expected): ignored", n->data.size()));
      continue;
    }
    const uint32_t spi = (uint32_t{n->data[0]} << 24) | (uint32_t{n->data[1]} << 16) |
                         (uint32_t{n->data[2]} << 8) | uint32_t{n->data[3]};
    const ChildSa* child = ctx.sa.find_child_by_spi_out(spi);
    if (child == nullptr) {
      ctx.event(
          EventKind::invalid_spi_reported,
          fmt::format("peer drops ESP for SPI {:08x} (INVALID_SPI), which is none of our CHILD_SAs", spi));
      continue;
    }
    if (child->deleting) {
      ctx.event(
          EventKind::invalid_spi_reported,
          fmt::format("peer drops ESP for SPI {:08x} of CHILD_SA {} (INVALID_SPI), which we are deleting "
                      "already",
                      spi, child->name));
      continue;
    }
    const std::string name = child->name;
    const std::string who = fmt::format(
        "peer does not know CHILD_SA {} (it drops our ESP to SPI {:08x}, "
        "INVALID_SPI)",
        name, spi);
    ctx.event(EventKind::invalid_spi_reported, fmt::format("{}: it lost that SA; removing our half", who));
    ++ctx.counters.peer_restarts_suspected;
    remove_child(ctx, child->spi_in, "the peer does not know it (INVALID_SPI)");
    after_removal(ctx, name, who);
  }
  return TaskStatus::need_more;
}

}  // namespace tern::ike
