// invalid_spi_notice task (see invalid_spi_notice.h).
#include "ike/tasks/invalid_spi_notice.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"

namespace tern::ike {

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
    ctx.event(
        EventKind::invalid_spi_reported,
        child != nullptr
            ? fmt::format("peer drops ESP for SPI {:08x} of CHILD_SA {} (INVALID_SPI): it may have lost "
                          "that SA",
                          spi, child->name)
            : fmt::format("peer drops ESP for SPI {:08x} (INVALID_SPI), which is none of our CHILD_SAs",
                          spi));
  }
  return TaskStatus::need_more;
}

}  // namespace tern::ike
