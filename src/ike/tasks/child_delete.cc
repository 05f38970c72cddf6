// child_delete task (see child_delete.h).
#include "ike/tasks/child_delete.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/ike_sa.h"
#include "ike/ike_sa_table.h"

namespace tern::ike {
namespace {

Bytes spi_bytes(uint32_t spi) {
  return {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16), static_cast<uint8_t>(spi >> 8),
          static_cast<uint8_t>(spi)};
}

uint32_t spi_value(const Bytes& b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

// The ESP SPIs named by the message's Delete payloads (wire/ checked their size).
std::vector<uint32_t> deleted_esp_spis(const IkeMessage& msg) {
  std::vector<uint32_t> spis;
  for (const wire::Payload& p : msg.payloads) {
    const auto* d = std::get_if<wire::DeletePayload>(&p.body);
    if (d == nullptr || d->protocol != wire::ProtocolId::ESP) continue;
    for (const Bytes& spi : d->spis) {
      if (spi.size() == 4) spis.push_back(spi_value(spi));
    }
  }
  return spis;
}

}  // namespace

void remove_child(TaskContext& ctx, uint32_t spi_in, std::string_view reason) {
  remove_child(ctx, ctx.sa, spi_in, reason);
}

void remove_child(TaskContext& ctx, IkeSa& sa, uint32_t spi_in, std::string_view reason, bool replaced) {
  auto it = std::find_if(sa.children.begin(), sa.children.end(),
                         [&](const ChildSa& c) { return c.spi_in == spi_in; });
  if (it == sa.children.end()) return;
  ctx.effects.push_back(RemoveChildSa{sa.id, sa.connection_name(), it->name, it->spi_in, it->spi_out,
                                      std::string(reason), it->inbound_grace(replaced)});
  ctx.effects.push_back(Event{EventKind::child_sa_removed, sa.id, sa.connection_name(),
                              fmt::format("CHILD_SA {} removed (SPIs {:08x}_i {:08x}_o): {}", it->name,
                                          it->spi_in, it->spi_out, reason)});
  ++ctx.counters.child_sas_removed;
  if (ctx.table != nullptr) ctx.table->child_gone(it->spi_in);
  sa.children.erase(it);
}

TaskStatus ChildDelete::build(TaskContext& ctx, IkeMessage& msg) {
  if (initiator()) {
    if (!refused_) {
      ChildSa* child = ctx.sa.find_child_by_spi_in(spi_in_);
      if (child == nullptr) return TaskStatus::need_more;  // gone meanwhile: the request stays empty
      child->deleting = true;
    }
    msg.add(wire::PayloadType::Delete, wire::DeletePayload{wire::ProtocolId::ESP, 4, {spi_bytes(spi_in_)}});
    return TaskStatus::need_more;
  }
  if (!answer_.empty()) {
    wire::DeletePayload d{wire::ProtocolId::ESP, 4, {}};
    for (uint32_t spi : answer_) d.spis.push_back(spi_bytes(spi));
    msg.add(wire::PayloadType::Delete, std::move(d));
  }
  return TaskStatus::done;
}

TaskStatus ChildDelete::process(TaskContext& ctx, const IkeMessage& msg) {
  if (initiator()) {
    // The answer names the paired SA (or nothing, if our deletes crossed);
    // either way both directions of the pair are gone now.
    if (!refused_) remove_child(ctx, spi_in_, reason_);
    return TaskStatus::done;
  }
  // An IKE SA made by the peer's rekey that collided with ours holds no
  // CHILD_SAs until the collision is settled; the peer, whose rekey it is,
  // already deletes them over it (ike_rekey.h).
  IkeSa* predecessor = ctx.sa.replacement_pending ? ctx.table->find(*ctx.sa.replacement_pending) : nullptr;
  for (uint32_t spi : deleted_esp_spis(msg)) {
    IkeSa* owner = &ctx.sa;
    ChildSa* child = ctx.sa.find_child_by_spi_out(spi);
    if (child == nullptr && predecessor != nullptr) {
      owner = predecessor;
      child = predecessor->find_child_by_spi_out(spi);
    }
    if (child == nullptr) {
      // Remembered a little while: the answer to our rekey that made it may still come (child_rekey).
      std::vector<uint32_t>& unknown = ctx.sa.rare_mut().unknown_spis_deleted;
      if (unknown.size() >= 16) unknown.erase(unknown.begin());
      unknown.push_back(spi);
      ++ctx.counters.delete_unknown_spi;
      ctx.event(EventKind::message_dropped,
                fmt::format("peer deleted ESP SPI {:08x}, which names no CHILD_SA of ours: ignored", spi));
      continue;
    }
    const uint32_t spi_in = child->spi_in;
    if (!child->deleting) answer_.push_back(spi_in);
    child->peer_deleted = true;
    remove_child(ctx, *owner, spi_in, "deleted by peer");
  }
  return TaskStatus::need_more;
}

}  // namespace tern::ike
