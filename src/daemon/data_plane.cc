#include "daemon/data_plane.h"

#include <fmt/format.h>

#include "base/log.h"
#include "daemon/ts_routes.h"
#include "esp/ip_packet.h"

namespace tern::daemon {
namespace {

constexpr size_t kMaxEspOverhead = 8 + 16 + 15 + 2 + 32;  // header, CBC IV, padding, trailer, widest ICV

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
      gro_([this](const io::VnetHeader& header, ByteView packet) {
        if (!tun_->write(header, packet)) ++counters_.tun_write_errors;
      }) {
  batch_.reserve(kBatch);
}

DataPlane::~DataPlane() {
  for (const auto& [text, entry] : routes_) (void)io::netlink::delete_route(tun_->ifindex(), entry.first);
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
  socket->start([this](const ike::Address&, const ike::Address&, MutableByteView esp) { on_esp(esp); });
}

void DataPlane::install(const ike::InstallChildSa& sa) {
  if (Result<void> installed = table_.install(sa); !installed) {
    TERN_LOG(LogLevel::error, "esp", "CHILD_SA {}/{} not installed in the data plane: {}", sa.connection,
             sa.child, installed.error().detail);
    return;
  }
  if (sa.mode == ike::ChildMode::transport)
    TERN_LOG(LogLevel::warning, "esp",
             "CHILD_SA {}/{} is in transport mode: negotiated, but this data plane carries tunnel mode only",
             sa.connection, sa.child);
  if (!sa.encap) open_esp_socket(sa.remote.family);
  routes_of_[sa.spi_in] = add_routes(sa.connection + "/" + sa.child, sa.local_ts, sa.remote_ts, sa.remote);
  TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} installed: SPIs in {:08x} out {:08x}, {}, {}",
           sa.connection, sa.child, sa.spi_in, sa.spi_out, sa.suite.to_string(),
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

void DataPlane::remove(const ike::RemoveChildSa& sa) {
  flush();  // nothing may point at the SA once it is gone
  batch_sa_ = nullptr;
  if (!table_.remove(sa)) return;
  auto it = routes_of_.find(sa.spi_in);
  if (it != routes_of_.end()) {
    remove_routes(it->second);
    routes_of_.erase(it);
  }
  TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} removed from the data plane (SPIs in {:08x} out {:08x})",
           sa.connection, sa.child, sa.spi_in, sa.spi_out);
}

std::vector<io::netlink::Prefix> DataPlane::add_routes(const std::string& owner,
                                                       const std::vector<wire::TrafficSelector>& local_ts,
                                                       const std::vector<wire::TrafficSelector>& remote_ts,
                                                       const ike::Address& peer) {
  const std::optional<ike::Address> src = address_inside(local_ts, io::netlink::local_addresses());
  std::vector<io::netlink::Prefix> added;
  for (const wire::TrafficSelector& ts : remote_ts) {
    if (covers(ts, peer)) {
      // A route for the peer's own address into the tunnel would swallow the
      // IKE and ESP datagrams themselves.
      TERN_LOG(LogLevel::warning, "esp",
               "{}: remote_ts {} contains the peer's address {}; no route installed for it", owner,
               ts.to_string(), peer.to_string());
      continue;
    }
    for (const io::netlink::Prefix& prefix : prefixes_of(ts)) {
      auto& entry = routes_[prefix.to_string()];
      if (entry.second++ == 0) {
        entry.first = prefix;
        if (Result<void> r = io::netlink::add_route(tun_->ifindex(), prefix, src); !r) {
          ++counters_.route_errors;
          TERN_LOG(LogLevel::error, "esp", "{}", r.error().detail);
        } else {
          TERN_LOG(LogLevel::debug, "esp", "route {} dev {}", prefix.to_string(), tun_->name());
        }
      }
      added.push_back(prefix);
    }
  }
  return added;
}

void DataPlane::add_trap(const std::string& connection, const std::vector<wire::TrafficSelector>& local_ts,
                         const std::vector<wire::TrafficSelector>& remote_ts, const ike::Address& peer) {
  remove_trap(connection);
  traps_.add(connection, local_ts, remote_ts);
  trap_routes_[connection] = add_routes("trap " + connection, local_ts, remote_ts, peer);
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

void DataPlane::remove_routes(const std::vector<io::netlink::Prefix>& prefixes) {
  for (const io::netlink::Prefix& prefix : prefixes) {
    auto it = routes_.find(prefix.to_string());
    if (it == routes_.end() || --it->second.second > 0) continue;
    (void)io::netlink::delete_route(tun_->ifindex(), prefix);  // gone with the device already is fine
    routes_.erase(it);
  }
}

void DataPlane::on_tun_packet(const io::VnetHeader& header, MutableByteView packet) {
  ++counters_.tun_packets;
  if (header.gso_type != io::VnetHeader::none) {
    ++counters_.tun_super_packets;
    if (!io::segment(packet, header, segments_, [this](ByteView segment) { encap_one(segment); }))
      ++counters_.unparsable_inner;
  } else if ((header.flags & io::VnetHeader::kNeedsCsum) != 0 && !io::finish_checksum(packet, header)) {
    ++counters_.unparsable_inner;
  } else {
    encap_one(packet);
  }
  flush();
}

void DataPlane::encap_one(ByteView packet) {
  Result<esp::IpPacket> ip = esp::read_ip_packet(packet);
  if (!ip) {
    ++counters_.unparsable_inner;
    return;
  }
  esp::OutboundSa* sa = table_.lookup_outbound(ip->selector);
  if (sa == nullptr) {
    Trap* trap = traps_.match(ip->selector);
    if (trap == nullptr) {
      ++counters_.no_policy;
      return;
    }
    ++counters_.trapped;
    if (traps_.hold(*trap, packet) && acquire_) acquire_(trap->connection);
    return;
  }
  if (sa != batch_sa_ || batch_.size() == kBatch) flush();
  batch_sa_ = sa;
  const MutableByteView slot(slots_.data() + batch_.size() * slot_size_, slot_size_);
  Result<size_t> size = sa->encap(packet, slot);
  if (!size) {
    ++counters_.encap_failed;
    return;
  }
  batch_.push_back(ByteView(slot.data(), *size));
}

void DataPlane::flush() {
  if (batch_.empty()) return;
  const esp::EspSaParams& p = batch_sa_->params();
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

void DataPlane::on_udp_esp(const ike::Address&, const ike::Address&, MutableByteView esp) {
  on_esp(esp);
}

void DataPlane::on_esp(MutableByteView esp) {
  ++counters_.esp_received;
  if (esp.size() < 8) {
    ++counters_.decap_failed;
    return;
  }
  const uint32_t spi = static_cast<uint32_t>(esp[0]) << 24 | static_cast<uint32_t>(esp[1]) << 16 |
                       static_cast<uint32_t>(esp[2]) << 8 | esp[3];
  esp::InboundSa* sa = table_.lookup_inbound(spi);
  if (sa == nullptr) {
    ++counters_.unknown_spi;
    return;
  }
  Result<esp::Decapped> inner = sa->decap(esp);
  if (!inner) {
    ++counters_.decap_failed;
    return;
  }
  gro_.add(inner->payload);
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
