// See sa_table.h.
#include "esp/sa_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace tern::esp {

SaTable::SaTable(crypto::Random& random, uint32_t replay_window)
    : random_(random), replay_window_(replay_window) {}

Result<void> SaTable::install(const ike::InstallChildSa& sa) {
  if (sa.spi_in == 0) return fail(Errc::bad_spi, "ESP SA table: inbound SPI 0 (reserved, RFC 4303 §2.1)");
  if (by_spi_in_.contains(sa.spi_in))
    return fail(Errc::bad_spi,
                fmt::format("ESP SA table: inbound SPI {:08x} is already installed", sa.spi_in));
  Result<EspSaParams> in_params = inbound_params(sa);
  if (!in_params) return fail(in_params.error());
  in_params->replay_window = replay_window_;
  Result<EspSaParams> out_params = outbound_params(sa);
  if (!out_params) return fail(out_params.error());
  Result<InboundSa> in = InboundSa::create(std::move(*in_params), random_);
  if (!in) return fail(in.error());
  Result<OutboundSa> out = OutboundSa::create(std::move(*out_params), random_);
  if (!out) return fail(out.error());

  auto child = std::unique_ptr<ChildSa>(
      new ChildSa{sa.ike_sa, sa.connection, sa.child, std::move(*in), std::move(*out), sa.defer_outbound});
  ChildSa* c = child.get();
  if (c->outbound_deferred) ++deferred_;
  const uint64_t order = ++installs_;
  // Each new policy goes where it ranks (the key ends in the unique install
  // order, so the ranking is total): a binary search and one move of the
  // tail, instead of re-sorting every policy on every install, which cost a
  // responder O(n log n) per CHILD_SA (docs/benchmarks.md).
  for (const Selector& local : c->outbound.params().local_ts)
    for (const Selector& remote : c->outbound.params().remote_ts) {
      Policy p{local, remote, &c->outbound, order, c};
      policies_.insert(std::upper_bound(policies_.begin(), policies_.end(), p, more_specific), std::move(p));
    }
  c->outbound.forget_selectors();  // the policies hold them now
  by_spi_in_.emplace(sa.spi_in, c);
  children_.push_back(std::move(child));
  return {};
}

bool SaTable::remove(const ike::RemoveChildSa& sa) {
  auto it = by_spi_in_.find(sa.spi_in);
  if (it == by_spi_in_.end() || it->second->outbound.spi() != sa.spi_out) return false;
  ChildSa* c = it->second;
  if (c->outbound_deferred) --deferred_;
  by_spi_in_.erase(it);
  std::erase_if(policies_, [&](const Policy& p) { return p.sa == &c->outbound; });
  std::erase_if(children_, [&](const std::unique_ptr<ChildSa>& p) { return p.get() == c; });
  return true;
}

InboundSa* SaTable::lookup_inbound(uint32_t spi) {
  auto it = by_spi_in_.find(spi);
  return it == by_spi_in_.end() ? nullptr : &it->second->inbound;
}

void SaTable::activate(uint32_t spi) {
  auto it = by_spi_in_.find(spi);
  if (it == by_spi_in_.end() || !it->second->outbound_deferred) return;
  it->second->outbound_deferred = false;
  --deferred_;
}

const ChildSa* SaTable::find(uint32_t spi_in) const {
  auto it = by_spi_in_.find(spi_in);
  return it == by_spi_in_.end() ? nullptr : it->second;
}

// True when `a` ranks before `b` (see the header): a sort key compared
// lexicographically, larger first for prefixes and "has a protocol", smaller
// first for port counts, newer first.
bool SaTable::more_specific(const Policy& a, const Policy& b) {
  auto key = [](const Policy& p) {
    const bool names_protocol = p.local.protocol != 0 || p.remote.protocol != 0;
    return std::make_tuple(p.remote.prefix_length(), p.local.prefix_length(), names_protocol,
                           -static_cast<int64_t>(p.remote.port_count()),
                           -static_cast<int64_t>(p.local.port_count()), p.order);
  };
  return key(a) > key(b);
}

size_t SaTable::find_policy(const PacketSelector& packet) const {
  for (size_t i = 0; i < policies_.size(); ++i) {
    const Policy& p = policies_[i];
    if (!p.remote.matches_destination(packet) || !p.local.matches_source(packet)) continue;
    if (!p.child->outbound_deferred) return i;
    // A deferred rekeyed pair: its predecessor (the same selectors, ranked
    // right after it) carries the traffic while there is one.
    for (size_t j = i + 1; j < policies_.size(); ++j) {
      const Policy& q = policies_[j];
      if (q.local == p.local && q.remote == p.remote && !q.child->outbound_deferred) return j;
    }
    return i;
  }
  return policies_.size();
}

OutboundSa* SaTable::lookup_outbound(const PacketSelector& packet) {
  const size_t i = find_policy(packet);
  return i == policies_.size() ? nullptr : policies_[i].sa;
}

const OutboundSa* SaTable::lookup_outbound(const PacketSelector& packet) const {
  const size_t i = find_policy(packet);
  return i == policies_.size() ? nullptr : policies_[i].sa;
}

bool SaTable::update(const ike::UpdateChildSa& sa) {
  auto it = by_spi_in_.find(sa.spi_in);
  if (it == by_spi_in_.end() || it->second->outbound.spi() != sa.spi_out) return false;
  it->second->inbound.set_addresses(sa.local, sa.remote, sa.encap);
  it->second->outbound.set_addresses(sa.local, sa.remote, sa.encap);
  return true;
}

}  // namespace tern::esp
