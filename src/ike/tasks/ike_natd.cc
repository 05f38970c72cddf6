// ike_natd task (see ike_natd.h).
#include "ike/tasks/ike_natd.h"

#include "ike/ike_sa.h"
#include "ike/nat_detection.h"

namespace tern::ike {

using wire::NotifyType;

TaskStatus IkeNatd::build(TaskContext& ctx, IkeMessage& msg) {
  if (msg.exchange != wire::ExchangeType::IKE_SA_INIT) return TaskStatus::done;
  const IkeSa& sa = ctx.sa;
  // Hashes use the SPIs of the message being built: SPIr is 0 in the request.
  const uint64_t spi_r = msg.response ? sa.spi_r : 0;
  Bytes source = sa.config->force_encap ? ctx.random.bytes(kNatDetectionHashSize)
                                        : nat_detection_hash(sa.spi_i, spi_r, sa.local);
  msg.add_notify(NotifyType::NAT_DETECTION_SOURCE_IP, std::move(source));
  msg.add_notify(NotifyType::NAT_DETECTION_DESTINATION_IP, nat_detection_hash(sa.spi_i, spi_r, sa.remote));
  return initiator() ? TaskStatus::need_more : TaskStatus::done;
}

TaskStatus IkeNatd::process(TaskContext& ctx, const IkeMessage& msg) {
  if (msg.exchange != wire::ExchangeType::IKE_SA_INIT) return TaskStatus::done;
  IkeSa& sa = ctx.sa;
  if (msg.find_notify(NotifyType::NAT_DETECTION_SOURCE_IP) == nullptr ||
      msg.find_notify(NotifyType::NAT_DETECTION_DESTINATION_IP) == nullptr) {
    return initiator() ? TaskStatus::done : TaskStatus::need_more;  // peer does no NAT-T
  }
  sa.remote_behind_nat = !any_nat_hash_matches(msg, NotifyType::NAT_DETECTION_SOURCE_IP,
                                               nat_detection_hash(msg.spi_i, msg.spi_r, sa.remote));
  sa.local_behind_nat = !any_nat_hash_matches(msg, NotifyType::NAT_DETECTION_DESTINATION_IP,
                                              nat_detection_hash(msg.spi_i, msg.spi_r, sa.local));
  if (sa.config->force_encap) sa.local_behind_nat = true;
  if (initiator() && sa.nat_detected()) {
    // §2.23: float to the NAT-T port from IKE_AUTH on.
    sa.local = sa.local.with_port(ctx.config.natt_port);
    sa.remote = sa.remote.with_port(ctx.config.natt_port);
  }
  return initiator() ? TaskStatus::done : TaskStatus::need_more;
}

}  // namespace tern::ike
