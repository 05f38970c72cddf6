#include "daemon/data_plane.h"

#include <fmt/format.h>

#include "base/log.h"
#include "daemon/ts_routes.h"
#include "esp/ip_packet.h"
#include "esp/transport_packet.h"
#include "io/transport_routing.h"

namespace tern::daemon {
namespace {

constexpr size_t kMaxEspOverhead = 8 + 16 + 15 + 2 + 32;  // header, CBC IV, padding, trailer, widest ICV
constexpr size_t kMaxIpPacket = 65535;

size_t family_index(ike::AddressFamily family) {
  return family == ike::AddressFamily::ipv4 ? 0 : 1;
}

io::netlink::NotFwmarkRule transport_rule(ike::AddressFamily family) {
  return {family, io::kSocketMark, io::kTransportTable, io::kTransportRulePriority};
}

}  // namespace

Result<std::unique_ptr<DataPlane>> DataPlane::create(asio::io_context& io, const DataPlaneSettings& settings,
                                                     crypto::Random& random, UdpSend udp_send) {
  Result<std::unique_ptr<io::TunDevice>> tun = io::TunDevice::open(io, settings.tun_device, settings.tun_mtu);
  if (!tun) return fail(tun.error());
  std::unique_ptr<DataPlane> plane(
      new DataPlane(io, std::move(*tun), random, settings.replay_window, std::move(udp_send)));
  DataPlane* self = plane.get();
  plane->tun_->start(
      [self](const io::VnetHeader& header, MutableByteView packet) { self->on_tun_packet(header, packet); });
  TERN_LOG(LogLevel::info, "esp", "data plane on {} (MTU {}), anti-replay window {} packets",
           settings.tun_device, settings.tun_mtu, settings.replay_window);
  return plane;
}

DataPlane::DataPlane(asio::io_context& io, std::unique_ptr<io::TunDevice> tun, crypto::Random& random,
                     uint32_t replay_window, UdpSend udp_send)
    : io_(io),
      tun_(std::move(tun)),
      table_(random, replay_window),
      udp_send_(std::move(udp_send)),
      slot_size_(tun_->mtu() + kMaxEspOverhead),
      slots_(kBatch * slot_size_),
      segments_(65536 + 64 * 128),
      transport_packet_(kMaxIpPacket),
      gro_([this](const io::VnetHeader& header, ByteView packet) {
        if (!tun_->write(header, packet)) ++counters_.tun_write_errors;
      }) {
  batch_.reserve(kBatch);
}

DataPlane::~DataPlane() {
  for (const auto& [key, entry] : routes_) (void)io::netlink::delete_route(tun_->ifindex(), entry.first);
  for (const ike::AddressFamily family : {ike::AddressFamily::ipv4, ike::AddressFamily::ipv6}) {
    if (transport_routes_[family_index(family)] > 0) (void)io::netlink::delete_rule(transport_rule(family));
  }
}

void DataPlane::open_esp_socket(ike::AddressFamily family) {
  std::unique_ptr<io::EspSocket>& socket = family == ike::AddressFamily::ipv4 ? esp4_ : esp6_;
  if (socket) return;
  Result<std::unique_ptr<io::EspSocket>> opened = io::EspSocket::open(io_, family);
  if (!opened) {
    TERN_LOG(LogLevel::error, "esp", "{}", opened.error().detail);
    return;
  }
  socket = std::move(*opened);
  socket->set_drained([this] { flush_inbound(); });
  socket->start([this](const ike::Address&, const ike::Address&, MutableByteView esp) { (void)on_esp(esp); });
}

void DataPlane::install(const ike::InstallChildSa& sa) {
  if (Result<void> installed = table_.install(sa); !installed) {
    TERN_LOG(LogLevel::error, "esp", "CHILD_SA {}/{} not installed in the data plane: {}", sa.connection,
             sa.child, installed.error().detail);
    return;
  }
  if (!sa.encap) open_esp_socket(sa.remote.family);
  if (std::vector<Bytes> early = held_.take(sa.spi_in); !early.empty()) {
    if (esp::ChildSa* child = table_.lookup_child(sa.spi_in); child != nullptr) {
      for (Bytes& esp : early) (void)decap(child, sa.spi_in, esp);
    }
    flush_inbound();
    counters_.esp_held += early.size();
    TERN_LOG(LogLevel::debug, "esp",
             "CHILD_SA {}/{}: {} ESP packet(s) that came before it was installed taken", sa.connection,
             sa.child, early.size());
  }
  (void)add_routes(sa.connection + "/" + sa.child, sa.local_ts, sa.remote_ts, sa.remote, sa.mode);
  TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} installed: SPIs in {:08x} out {:08x}, {}, {} mode, {}",
           sa.connection, sa.child, sa.spi_in, sa.spi_out, sa.suite.to_string(),
           sa.mode == ike::ChildMode::transport ? "transport" : "tunnel",
           sa.encap ? fmt::format("UDP-encapsulated to {}", sa.remote.to_string())
                    : fmt::format("ESP to {}", sa.remote.to_string()));
  if (Trap* trap = traps_.find(sa.connection); trap != nullptr && trap->acquiring) {
    const std::deque<Bytes> kept = traps_.release(*trap);
    for (const Bytes& packet : kept) encap_one(packet);
    flush();
    TERN_LOG(LogLevel::info, "esp", "trap {}: {} kept packet(s) sent through the new CHILD_SA", sa.connection,
             kept.size());
  }
}

void DataPlane::remove(const ike::RemoveChildSa& sa, Timestamp now) {
  flush();  // nothing may point at the SA once it is gone
  batch_sa_ = nullptr;
  const esp::ChildSa* child = table_.find(sa.spi_in);
  if (child == nullptr || child->retired) return;
  const std::vector<io::netlink::Route> routes = routes_of(*child);
  if (sa.inbound_grace) {
    if (!table_.retire(sa, now + kInboundGrace)) return;
  } else if (!table_.remove(sa)) {
    return;
  }
  remove_routes(routes);
  if (sa.inbound_grace) {
    TERN_LOG(LogLevel::info, "esp",
             "CHILD_SA {}/{} removed from the data plane (SPIs in {:08x} out {:08x}); ESP still on its way "
             "on SPI {:08x} is accepted for {} s",
             sa.connection, sa.child, sa.spi_in, sa.spi_out, sa.spi_in,
             std::chrono::duration_cast<std::chrono::seconds>(kInboundGrace).count());
  } else {
    TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} removed from the data plane (SPIs in {:08x} out {:08x})",
             sa.connection, sa.child, sa.spi_in, sa.spi_out);
  }
}

void DataPlane::age(Timestamp now) {
  counters_.unknown_spi += held_.age();
  if (table_.retired() == 0) return;
  if (const size_t n = table_.expire_retired(now); n > 0)
    TERN_LOG(LogLevel::debug, "esp", "{} replaced CHILD_SA inbound SA(s) gone after their grace period", n);
}

const std::vector<ike::Address>& DataPlane::local_addresses() {
  if (!local_addresses_ || !keep_local_addresses_) local_addresses_ = io::netlink::local_addresses();
  return *local_addresses_;
}

std::vector<io::netlink::Route> DataPlane::add_routes(const std::string& owner,
                                                      const std::vector<wire::TrafficSelector>& local_ts,
                                                      const std::vector<wire::TrafficSelector>& remote_ts,
                                                      const ike::Address& peer, ike::ChildMode mode) {
  const std::optional<ike::Address> src = address_inside(local_ts, local_addresses());
  std::vector<io::netlink::Route> added = routes_for(remote_ts, peer, mode, &owner);
  for (const io::netlink::Route& route : added) {
    auto& entry = routes_[key_of(route)];
    if (entry.second++ == 0) {
      entry.first = route;
      if (route.table == io::kTransportTable) transport_route_added(route.destination.address.family);
      if (Result<void> r = io::netlink::add_route(tun_->ifindex(), route, src); !r) {
        ++counters_.route_errors;
        TERN_LOG(LogLevel::error, "esp", "{}", r.error().detail);
      } else {
        TERN_LOG(LogLevel::debug, "esp", "route {} dev {}", route.to_string(), tun_->name());
      }
    }
  }
  return added;
}

std::vector<io::netlink::Route> DataPlane::routes_for(const std::vector<wire::TrafficSelector>& remote_ts,
                                                      const ike::Address& peer, ike::ChildMode mode,
                                                      const std::string* owner_to_warn) {
  const bool transport = mode == ike::ChildMode::transport;
  std::vector<io::netlink::Route> routes;
  for (const wire::TrafficSelector& ts : remote_ts) {
    // Transport mode: the peer's own address is the point, and the table and
    // rule keep ternd's own (marked) datagrams out of the tunnel.
    if (!transport && covers(ts, peer)) {
      // A route for the peer's own address into the tunnel would swallow the
      // IKE and ESP datagrams themselves.
      if (owner_to_warn != nullptr)
        TERN_LOG(LogLevel::warning, "esp",
                 "{}: remote_ts {} contains the peer's address {}; no route installed for it", *owner_to_warn,
                 ts.to_string(), peer.to_string());
      continue;
    }
    for (const io::netlink::Prefix& prefix : prefixes_of(ts))
      routes.push_back({prefix, transport ? io::kTransportTable : io::netlink::kMainTable});
  }
  return routes;
}

std::vector<io::netlink::Route> DataPlane::routes_of(const esp::ChildSa& child) {
  return routes_for(esp::to_wire(child.inbound.remote_ts()), child.remote, child.inbound.mode(), nullptr);
}

void DataPlane::add_trap(const std::string& connection, const std::vector<wire::TrafficSelector>& local_ts,
                         const std::vector<wire::TrafficSelector>& remote_ts, const ike::Address& peer,
                         ike::ChildMode mode) {
  remove_trap(connection);
  traps_.add(connection, local_ts, remote_ts);
  // Transport mode: the peer's host route in the transport table, as the
  // CHILD_SA's own will be (the first packet to the peer starts the negotiation).
  trap_routes_[connection] = add_routes("trap " + connection, local_ts, remote_ts, peer, mode);
  TERN_LOG(LogLevel::info, "esp", "trap installed for {}: its traffic starts the negotiation", connection);
}

void DataPlane::remove_trap(const std::string& connection) {
  traps_.remove(connection);
  auto it = trap_routes_.find(connection);
  if (it == trap_routes_.end()) return;
  remove_routes(it->second);
  trap_routes_.erase(it);
}

void DataPlane::trap_failed(const std::string& connection) {
  if (Trap* trap = traps_.find(connection); trap != nullptr && trap->acquiring) traps_.fail(*trap);
}

void DataPlane::remove_routes(const std::vector<io::netlink::Route>& routes) {
  for (const io::netlink::Route& route : routes) {
    auto it = routes_.find(key_of(route));
    if (it == routes_.end() || --it->second.second > 0) continue;
    (void)io::netlink::delete_route(tun_->ifindex(), route);  // gone with the device already is fine
    routes_.erase(it);
    if (route.table == io::kTransportTable) transport_route_removed(route.destination.address.family);
  }
}

void DataPlane::transport_route_added(ike::AddressFamily family) {
  if (transport_routes_[family_index(family)]++ > 0) return;
  const io::netlink::NotFwmarkRule rule = transport_rule(family);
  if (Result<void> r = io::netlink::add_rule(rule); !r) {
    ++counters_.route_errors;
    TERN_LOG(LogLevel::error, "esp", "{}", r.error().detail);
  } else {
    TERN_LOG(LogLevel::info, "esp", "transport mode: {} (ternd's own sockets carry the mark)",
             rule.to_string());
  }
}

void DataPlane::transport_route_removed(ike::AddressFamily family) {
  if (--transport_routes_[family_index(family)] > 0) return;
  const io::netlink::NotFwmarkRule rule = transport_rule(family);
  if (Result<void> r = io::netlink::delete_rule(rule); !r) {
    ++counters_.route_errors;
    TERN_LOG(LogLevel::error, "esp", "{}", r.error().detail);
  } else {
    TERN_LOG(LogLevel::info, "esp", "transport mode: {} removed (no transport route left)", rule.to_string());
  }
}

void DataPlane::on_tun_packet(const io::VnetHeader& header, MutableByteView packet) {
  ++counters_.tun_packets;
  if (header.gso_type != io::VnetHeader::none) {
    ++counters_.tun_super_packets;
    if (!encap_super_packet(packet, header) &&
        !io::segment(packet, header, segments_, [this](ByteView segment) { encap_one(segment); }))
      ++counters_.unparsable_inner;
  } else if ((header.flags & io::VnetHeader::kNeedsCsum) != 0 && !io::finish_checksum(packet, header)) {
    ++counters_.unparsable_inner;
  } else {
    encap_one(packet);
  }
  flush();
}

bool DataPlane::encap_super_packet(ByteView packet, const io::VnetHeader& header) {
  // Every segment of a TSO super-packet belongs to its flow: one policy
  // lookup for all of them. Tunnel mode only (transport mode and traps take
  // the per-segment path).
  Result<esp::IpPacket> ip = esp::read_ip_packet(packet);
  if (!ip) return false;
  esp::ChildSa* child = table_.lookup_outbound_child(ip->selector);
  if (child == nullptr || child->outbound.mode() != ike::ChildMode::tunnel) return false;
  if (child != batch_sa_) flush();
  batch_sa_ = child;
  esp::OutboundSa* sa = &child->outbound;
  const size_t offset = sa->payload_offset();
  Result<void> cut = io::segment_into(
      packet, header,
      [&](size_t size) -> MutableByteView {
        if (batch_.size() == kBatch) flush();
        if (sa->encapsulated_size(size) > slot_size_) return {};
        return MutableByteView(slots_.data() + batch_.size() * slot_size_ + offset, size);
      },
      [&](ByteView segment) {
        const MutableByteView slot(slots_.data() + batch_.size() * slot_size_, slot_size_);
        Result<size_t> size = sa->encap(segment, slot);  // in place: nothing is copied
        if (!size) {
          ++counters_.encap_failed;
          return;
        }
        batch_.push_back(ByteView(slot.data(), *size));
      });
  if (!cut) ++counters_.unparsable_inner;
  return true;
}

void DataPlane::encap_one(ByteView packet) {
  Result<esp::IpPacket> ip = esp::read_ip_packet(packet);
  if (!ip) {
    ++counters_.unparsable_inner;
    return;
  }
  esp::ChildSa* child = table_.lookup_outbound_child(ip->selector);
  if (child == nullptr) {
    Trap* trap = traps_.match(ip->selector);
    if (trap == nullptr) {
      ++counters_.no_policy;
      return;
    }
    ++counters_.trapped;
    if (traps_.hold(*trap, packet) && acquire_) acquire_(trap->connection);
    return;
  }
  // Transport mode: ESP carries the upper-layer payload; the kernel writes
  // the outer IP header, between the same two hosts.
  esp::OutboundSa* sa = &child->outbound;
  std::optional<esp::TransportSplit> split;
  if (sa->mode() == ike::ChildMode::transport) {
    Result<esp::TransportSplit> s = esp::split_transport_packet(packet);
    if (!s) {
      ++counters_.transport_refused;
      return;
    }
    split = *s;
  }
  if (child != batch_sa_ || batch_.size() == kBatch) flush();
  batch_sa_ = child;
  const MutableByteView slot(slots_.data() + batch_.size() * slot_size_, slot_size_);
  Result<size_t> size = split ? sa->encap(esp::TransportPayload{split->payload, split->next_header}, slot)
                              : sa->encap(packet, slot);
  if (!size) {
    ++counters_.encap_failed;
    return;
  }
  batch_.push_back(ByteView(slot.data(), *size));
}

void DataPlane::flush() {
  if (batch_.empty()) return;
  const esp::ChildSa& p = *batch_sa_;
  size_t sent = 0;
  if (p.encap) {
    sent = udp_send_(p.local, p.remote, batch_);
  } else {
    const std::unique_ptr<io::EspSocket>& socket =
        p.remote.family == ike::AddressFamily::ipv4 ? esp4_ : esp6_;
    if (socket) sent = socket->send_batch(p.local, p.remote, batch_).value_or(0);
  }
  ++counters_.batches_sent;
  counters_.send_errors += batch_.size() - sent;
  batch_.clear();
}

void DataPlane::update(const ike::UpdateChildSa& sa) {
  flush();  // the batch was sealed for the old address; send it there
  batch_sa_ = nullptr;
  const esp::ChildSa* child = table_.find(sa.spi_in);
  if (child == nullptr) return;
  const std::vector<io::netlink::Route> old = routes_of(*child);  // for the old peer address
  if (!table_.update(sa)) return;
  source_changes_.erase(sa.spi_in);
  ++counters_.peer_moves;
  if (!sa.encap) open_esp_socket(sa.remote.family);
  // Add before remove: a route both need keeps its reference count above zero.
  (void)add_routes(sa.connection + "/" + sa.child, esp::to_wire(child->inbound.local_ts()),
                   esp::to_wire(child->inbound.remote_ts()), sa.remote, child->inbound.mode());
  remove_routes(old);
  TERN_LOG(LogLevel::notice, "esp", "CHILD_SA {}/{} (SPIs in {:08x} out {:08x}) moved: {} to {}",
           sa.connection, sa.child, sa.spi_in, sa.spi_out, sa.encap ? "UDP-encapsulated" : "ESP",
           sa.remote.to_string());
}

void DataPlane::on_udp_esp(const ike::Address&, const ike::Address& remote, MutableByteView esp) {
  const esp::ChildSa* child = on_esp(esp);
  if (child == nullptr || !child->encap || child->remote == remote || child->retired) return;
  // RFC 7296 §2.23: authenticated, but ESP alone does not move the SA; the engine checks.
  SourceChange& change = source_changes_[child->inbound.spi()];
  if (change.source == remote && change.reported) return;
  change = SourceChange{remote, false};
}

const esp::ChildSa* DataPlane::on_esp(MutableByteView esp) {
  ++counters_.esp_received;
  if (esp.size() < 8) {
    ++counters_.decap_failed;
    return nullptr;
  }
  const uint32_t spi = static_cast<uint32_t>(esp[0]) << 24 | static_cast<uint32_t>(esp[1]) << 16 |
                       static_cast<uint32_t>(esp[2]) << 8 | esp[3];
  esp::ChildSa* child = table_.lookup_child(spi);
  if (child == nullptr) {
    // Perhaps its CHILD_SA is being installed (held_esp.h); dropped if not.
    counters_.unknown_spi += held_.hold(spi, esp);
    // The first few, then one in 1,024: enough to name the SPI, bounded under a flood.
    if (++not_installed_ <= 16 || not_installed_ % 1024 == 0)
      TERN_LOG(LogLevel::debug, "esp",
               "ESP for SPI {:08x}, which is not installed: held a moment ({} so far)", spi, not_installed_);
    return nullptr;
  }
  return decap(child, spi, esp);
}

const esp::ChildSa* DataPlane::decap(esp::ChildSa* child, uint32_t spi, MutableByteView esp) {
  Result<esp::Decapped> inner = child->inbound.decap(esp);
  if (!inner) {
    ++counters_.decap_failed;
    return nullptr;
  }
  table_.inbound_authenticated(spi);
  if (child->inbound.mode() == ike::ChildMode::transport) {
    if (const std::optional<ByteView> packet = rebuild_transport(*child, *inner)) gro_.add(*packet);
    return child;
  }
  gro_.add(inner->payload);
  return child;
}

std::optional<ByteView> DataPlane::rebuild_transport(const esp::ChildSa& p, const esp::Decapped& inner) {
  // The addresses are the outer ones: the peer's and ours. With UDP
  // encapsulation a NAT may have changed what the sender's TCP/UDP checksum
  // covers, so it is computed anew (RFC 3948 §3.1.2).
  const esp::TransportHeader header{p.remote.with_port(0), p.local.with_port(0), inner.next_header,
                                    p.encap ? esp::L4Checksum::recompute : esp::L4Checksum::keep};
  Result<ByteView> packet = esp::build_transport_packet(header, inner.payload, transport_packet_);
  if (!packet) {
    ++counters_.transport_mismatches;
    return std::nullopt;
  }
  // As decap checks tunnel-mode inner packets (RFC 4301 §5.2): source within
  // remote_ts, destination within local_ts, protocol and ports included.
  Result<esp::IpPacket> ip = esp::read_ip_packet(*packet);
  if (!ip || !esp::any_matches_source(p.inbound.remote_ts(), ip->selector) ||
      !esp::any_matches_destination(p.inbound.local_ts(), ip->selector)) {
    ++counters_.transport_mismatches;
    return std::nullopt;
  }
  return *packet;
}

std::vector<ike::DataplaneEvent> DataPlane::poll_events() {
  std::vector<ike::DataplaneEvent> events;
  // Only the CHILD_SAs the packet path looked up since the last poll: no
  // other SA's counters can have moved (an SA's counters and sequence
  // numbers change only in encap/decap, after a look-up marked it).
  table_.poll_watches(events);
  for (auto it = source_changes_.begin(); it != source_changes_.end();) {
    if (table_.find(it->first) == nullptr) {
      it = source_changes_.erase(it);
      continue;
    }
    if (!it->second.reported) {
      it->second.reported = true;
      ++counters_.esp_source_changes;
      TERN_LOG(LogLevel::info, "esp",
               "authenticated ESP for SPI {:08x} came from {}: asking the IKE SA to check", it->first,
               it->second.source.to_string());
      events.push_back(ike::EspSourceChanged{it->first, it->second.source});
    }
    ++it;
  }
  return events;
}

std::optional<ChildTraffic> DataPlane::traffic(uint32_t spi_in) const {
  const esp::ChildSa* child = table_.find(spi_in);
  if (child == nullptr) return std::nullopt;
  const esp::InboundCounters& in = child->inbound.counters();
  const esp::OutboundCounters& out = child->outbound.counters();
  return ChildTraffic{in.bytes,        in.packets,       out.bytes,   out.packets,
                      in.replay_drops, in.auth_failures, in.dropped()};
}

}  // namespace tern::daemon
