// Key derivation and installation of a new CHILD_SA (see child_install.h).
#include "ike/child_install.h"

#include <fmt/format.h>

#include "crypto/key_derivation.h"
#include "ike/ike_sa.h"
#include "ike/ike_sa_table.h"

namespace tern::ike {

uint32_t allocate_esp_spi(TaskContext& ctx) {
  if (ctx.table != nullptr) return ctx.table->allocate_esp_spi();
  uint32_t spi = 0;  // a task outside an Endpoint (tests): random, unchecked
  while (spi < 256) spi = static_cast<uint32_t>(ctx.random.u64());
  return spi;
}

std::optional<Timestamp> child_rekey_deadline(const ChildLimits& limits, crypto::Random& random,
                                              Timestamp now) {
  if (limits.rekey_time <= Duration::zero()) return std::nullopt;
  Duration jitter{0};
  if (limits.rand_time > Duration::zero()) {
    const auto span = static_cast<uint64_t>(limits.rand_time.count()) + 1;
    jitter = Duration{static_cast<Duration::rep>(random.u64() % span)};
  }
  const Duration wait = limits.rekey_time > jitter ? limits.rekey_time - jitter : Duration::zero();
  return now + wait;
}

bool install_child(TaskContext& ctx, const ChildConfig& config, NewChild child, ByteView g_ir, ByteView Ni,
                   ByteView Nr, Role exchange_role) {
  IkeSa& sa = ctx.sa;
  const EspSuite& suite = child.suite;
  Result<crypto::ChildSaKeys> keys = crypto::derive_child_sa_keys(*sa.prf, sa.sk_d, g_ir, Ni, Nr, suite.encr,
                                                                  suite.encr_key_bits, suite.integ);
  if (!keys) {
    ctx.event(EventKind::child_sa_failed,
              "CHILD_SA " + config.name + " key derivation failed: " + keys.error().to_string());
    return false;
  }
  const bool i = exchange_role == Role::initiator;
  InstallChildSa install;
  install.ike_sa = sa.id;
  install.connection = sa.connection_name();
  install.child = config.name;
  install.spi_in = child.spi_in;
  install.spi_out = child.spi_out;
  install.suite = suite;
  // §2.17: the keys for traffic from the exchange's initiator come first in KEYMAT.
  install.encr_in = i ? keys->encr_r : keys->encr_i;
  install.integ_in = i ? keys->integ_r : keys->integ_i;
  install.encr_out = i ? keys->encr_i : keys->encr_r;
  install.integ_out = i ? keys->integ_i : keys->integ_r;
  install.local_ts = child.local_ts;
  install.remote_ts = child.remote_ts;
  install.mode = child.mode;
  install.encap = sa.nat_detected();
  install.local = sa.local;
  install.remote = sa.remote;
  install.limits = config.limits;
  install.defer_outbound = child.defer_outbound;
  ChildSa record;
  record.name = install.child;
  record.spi_in = child.spi_in;
  record.spi_out = child.spi_out;
  record.suite = suite;
  record.mode = child.mode;
  record.encap = install.encap;
  record.local_ts = std::move(child.local_ts);
  record.remote_ts = std::move(child.remote_ts);
  record.rekey_at = child_rekey_deadline(config.limits, ctx.random, ctx.now);
  if (config.limits.life_time > Duration::zero()) record.expire_at = ctx.now + config.limits.life_time;
  if (ctx.table != nullptr) ctx.table->child_owned(record.spi_in, sa.id);
  sa.children.push_back(std::move(record));
  ++ctx.counters.child_sas_installed;
  ctx.event(EventKind::child_sa_installed,
            fmt::format("CHILD_SA {} installed: SPIs {:08x}_i {:08x}_o {} {}{}{}", install.child,
                        install.spi_in, install.spi_out, suite.to_string(),
                        child.mode == ChildMode::tunnel ? "tunnel" : "transport",
                        install.encap ? " UDP-encapsulated" : "", g_ir.empty() ? "" : " (PFS)"));
  ctx.effects.push_back(std::move(install));
  return true;
}

}  // namespace tern::ike
