// See sa_table.h.
#include "esp/sa_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <tuple>

namespace tern::esp {

SaTable::SaTable(crypto::Random& random, uint32_t replay_window)
    : random_(random), replay_window_(replay_window) {}

Result<void> SaTable::install(const ike::InstallChildSa& sa) {
  if (sa.spi_in == 0) return fail(Errc::bad_spi, "ESP SA table: inbound SPI 0 (reserved, RFC 4303 §2.1)");
  if (auto old = by_spi_in_.find(sa.spi_in); old != by_spi_in_.end() && old->second.retired) {
    unlink(old->second);  // the engine gave the SPI out again: the new SA takes it
    by_spi_in_.erase(old);
  }
  if (by_spi_in_.contains(sa.spi_in))
    return fail(Errc::bad_spi,
                fmt::format("ESP SA table: inbound SPI {:08x} is already installed", sa.spi_in));
  Result<EspSaParams> in_params = inbound_params(sa);
  if (!in_params) return fail(in_params.error());
  in_params->replay_window = replay_window_;
  Result<InboundSa> in = InboundSa::create(*in_params, random_);
  if (!in) return fail(in.error());
  EspSaParams out_params;  // the outbound half needs no selectors
  out_params.spi = sa.spi_out;
  out_params.suite = sa.suite;
  out_params.mode = sa.mode;
  out_params.encr_key = sa.encr_out;
  out_params.integ_key = sa.integ_out;
  Result<OutboundSa> out = OutboundSa::create(out_params, random_);
  if (!out) return fail(out.error());

  auto [it, inserted] = by_spi_in_.try_emplace(
      sa.spi_in, ChildSa{std::move(*in), std::move(*out), ChildWatch(sa.limits), ++installs_, sa.local,
                         sa.remote, sa.encap, sa.defer_outbound, false});
  TERN_ASSERT(inserted);
  ChildSa* c = &it->second;
  if (c->outbound_deferred) ++deferred_;
  // Each new policy goes where it ranks in its tree: O(log n) (docs/benchmarks.md:
  // a sorted vector's insert cost O(n)).
  for (const Selector& local : c->inbound.local_ts())
    for (const Selector& remote : c->inbound.remote_ts()) add_policy(Policy{&local, &remote, c});
  return {};
}

bool SaTable::remove(const ike::RemoveChildSa& sa) {
  auto it = by_spi_in_.find(sa.spi_in);
  if (it == by_spi_in_.end() || it->second.outbound.spi() != sa.spi_out) return false;
  unlink(it->second);
  by_spi_in_.erase(it);
  return true;
}

bool SaTable::retire(const ike::RemoveChildSa& sa, Timestamp until) {
  auto it = by_spi_in_.find(sa.spi_in);
  if (it == by_spi_in_.end() || it->second.outbound.spi() != sa.spi_out) return false;
  ChildSa& c = it->second;
  if (c.retired) return true;
  unlink(c);
  c.retired = true;
  retired_.push_back(Retired{until, sa.spi_in});
  return true;
}

size_t SaTable::expire_retired(Timestamp now) {
  size_t n = 0, done = 0;
  for (; done < retired_.size() && retired_[done].until <= now; ++done) {
    auto it = by_spi_in_.find(retired_[done].spi_in);
    if (it == by_spi_in_.end() || !it->second.retired) continue;  // installed again meanwhile
    unlink(it->second);  // retired: its policies went already, only the active list holds it
    by_spi_in_.erase(it);
    ++n;
  }
  retired_.erase(retired_.begin(), retired_.begin() + static_cast<std::ptrdiff_t>(done));
  return n;
}

void SaTable::unlink(ChildSa& c) {
  if (c.retired) {  // its policies went when it retired
    if (c.active) std::erase(active_, &c);
    c.active = false;
    return;
  }
  if (c.outbound_deferred) --deferred_;
  c.outbound_deferred = false;
  for (const Selector& local : c.inbound.local_ts())  // the policies install() made
    for (const Selector& remote : c.inbound.remote_ts()) remove_policy(Policy{&local, &remote, &c});
  if (c.active) std::erase(active_, &c);
  c.active = false;
}

// --- policies ---------------------------------------------------------------

bool SaTable::is_host(const Policy& p) {
  return p.local->start == p.local->end && p.remote->start == p.remote->end &&
         p.local->family == p.remote->family;
}

namespace {

int compare_hosts(ike::AddressFamily fa, const std::array<uint8_t, 16>& la, const std::array<uint8_t, 16>& ra,
                  ike::AddressFamily fb, const std::array<uint8_t, 16>& lb,
                  const std::array<uint8_t, 16>& rb) {
  if (fa != fb) return fa < fb ? -1 : 1;
  if (const int c = std::memcmp(la.data(), lb.data(), la.size()); c != 0) return c;
  return std::memcmp(ra.data(), rb.data(), ra.size());
}

}  // namespace

bool SaTable::HostsThenRank::operator()(const Policy& a, const Policy& b) const {
  const int c = compare_hosts(a.remote->family, a.local->start, a.remote->start, b.remote->family,
                              b.local->start, b.remote->start);
  return c != 0 ? c < 0 : more_specific(a, b);
}
bool SaTable::HostsThenRank::operator()(const Policy& a, const HostProbe& b) const {
  return compare_hosts(a.remote->family, a.local->start, a.remote->start, b.family, *b.local, *b.remote) < 0;
}
bool SaTable::HostsThenRank::operator()(const HostProbe& a, const Policy& b) const {
  return compare_hosts(a.family, *a.local, *a.remote, b.remote->family, b.local->start, b.remote->start) < 0;
}

void SaTable::add_policy(const Policy& p) {
  if (is_host(p)) {
    hosts_.insert(p);
  } else {
    ranges_.insert(p);
    drop_range_scan();
  }
}

void SaTable::remove_policy(const Policy& p) {
  // Both orders end in the CHILD_SA's install order and its pair: exactly this one.
  if (is_host(p)) {
    hosts_.erase(p);
  } else {
    ranges_.erase(p);
    drop_range_scan();
  }
}

// True when `a` ranks before `b` (see the header): a sort key compared
// lexicographically, larger first for prefixes and "has a protocol", smaller
// first for port counts, newer CHILD_SA first, then its selector pairs in
// the order install() made them.
bool SaTable::more_specific(const Policy& a, const Policy& b) {
  auto key = [](const Policy& p) {
    const bool names_protocol = p.local->protocol != 0 || p.remote->protocol != 0;
    const InboundSa& in = p.child->inbound;
    const auto pair = (p.local - in.local_ts().data()) * static_cast<std::ptrdiff_t>(in.remote_ts().size()) +
                      (p.remote - in.remote_ts().data());
    return std::make_tuple(p.remote->prefix_length(), p.local->prefix_length(), names_protocol,
                           -static_cast<int64_t>(p.remote->port_count()),
                           -static_cast<int64_t>(p.local->port_count()), p.child->order,
                           -static_cast<int64_t>(pair));
  };
  return key(a) > key(b);
}

ChildSa* SaTable::find_policy(const PacketSelector& packet) const {
  // A host policy of the packet's family outranks every other policy of that
  // family, and only those with the packet's two addresses can match.
  if (!hosts_.empty()) {
    std::array<uint8_t, 16> src{}, dst{};  // IPv4: the first 4 octets, as in a Selector
    const size_t n = packet.address_size();
    std::memcpy(src.data(), packet.src.data(), n);
    std::memcpy(dst.data(), packet.dst.data(), n);
    // From the group's first policy while the hosts are the packet's (one
    // descent; libstdc++'s equal_range with a transparent comparator would
    // walk the group, thousands of CHILD_SAs with tern-load's selectors).
    const HostProbe probe{packet.family, &src, &dst};
    auto in_group = [&](const Policy& p) {
      return compare_hosts(p.remote->family, p.local->start, p.remote->start, probe.family, src, dst) == 0;
    };
    for (auto i = hosts_.lower_bound(probe); i != hosts_.end() && in_group(*i); ++i) {  // as below
      if (!i->remote->matches_destination(packet) || !i->local->matches_source(packet)) continue;
      if (!i->child->outbound_deferred) return i->child;
      for (auto j = std::next(i); j != hosts_.end() && in_group(*j); ++j)
        if (*j->local == *i->local && *j->remote == *i->remote && !j->child->outbound_deferred)
          return j->child;
      return i->child;
    }
  }
  const std::vector<FlatRange>& scan = range_scan();
  // The first policy in rank order whose selectors match, unless its CHILD_SA
  // is a deferred rekeyed pair: then its predecessor (the same selectors,
  // ranked right after it) while there is one.
  for (auto i = scan.begin(); i != scan.end(); ++i) {
    if (!i->remote.matches_destination(packet) || !i->local.matches_source(packet)) continue;
    if (!i->child->outbound_deferred) return i->child;
    for (auto j = std::next(i); j != scan.end(); ++j)
      if (j->local == i->local && j->remote == i->remote && !j->child->outbound_deferred) return j->child;
    return i->child;
  }
  return nullptr;
}

const std::vector<SaTable::FlatRange>& SaTable::range_scan() const {
  if (!range_scan_made_) {
    range_scan_.reserve(ranges_.size());
    for (const Policy& p : ranges_) range_scan_.push_back(FlatRange{*p.local, *p.remote, p.child});
    range_scan_made_ = true;
  }
  return range_scan_;
}

void SaTable::drop_range_scan() {
  if (!range_scan_made_) return;
  range_scan_ = std::vector<FlatRange>();  // its memory too
  range_scan_made_ = false;
}

// --- look-ups -----------------------------------------------------------------

ChildSa* SaTable::mark(ChildSa* c) {
  if (c != nullptr && !c->active) {
    c->active = true;
    active_.push_back(c);
  }
  return c;
}

ChildSa* SaTable::lookup_child(uint32_t spi_in) {
  auto it = by_spi_in_.find(spi_in);
  return it == by_spi_in_.end() ? nullptr : mark(&it->second);
}

ChildSa* SaTable::lookup_outbound_child(const PacketSelector& packet) {
  return mark(find_policy(packet));
}

InboundSa* SaTable::lookup_inbound(uint32_t spi) {
  ChildSa* c = lookup_child(spi);
  return c == nullptr ? nullptr : &c->inbound;
}

OutboundSa* SaTable::lookup_outbound(const PacketSelector& packet) {
  ChildSa* c = lookup_outbound_child(packet);
  return c == nullptr ? nullptr : &c->outbound;
}

const OutboundSa* SaTable::lookup_outbound(const PacketSelector& packet) const {
  const ChildSa* c = find_policy(packet);
  return c == nullptr ? nullptr : &c->outbound;
}

void SaTable::poll_watches(std::vector<ike::DataplaneEvent>& out) {
  for (ChildSa* c : active_) {
    if (!c->retired) c->watch.poll(sample(c->inbound, c->outbound), out);
    c->active = false;
  }
  active_.clear();  // keeps its capacity for the next round
}

void SaTable::activate(uint32_t spi) {
  auto it = by_spi_in_.find(spi);
  if (it == by_spi_in_.end() || !it->second.outbound_deferred) return;
  it->second.outbound_deferred = false;
  --deferred_;
}

const ChildSa* SaTable::find(uint32_t spi_in) const {
  auto it = by_spi_in_.find(spi_in);
  return it == by_spi_in_.end() ? nullptr : &it->second;
}

bool SaTable::update(const ike::UpdateChildSa& sa) {
  auto it = by_spi_in_.find(sa.spi_in);
  if (it == by_spi_in_.end() || it->second.outbound.spi() != sa.spi_out) return false;
  it->second.local = sa.local;
  it->second.remote = sa.remote;
  it->second.encap = sa.encap;
  return true;
}

}  // namespace tern::esp
