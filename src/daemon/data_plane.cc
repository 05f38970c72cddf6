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
  plane->tun_->start([self](MutableByteView packet) { self->on_tun_packet(packet); });
  TERN_LOG(LogLevel::info, "esp", "data plane on {} (MTU {}), anti-replay window {} packets", settings.tun_device,
           settings.tun_mtu, settings.replay_window);
  return plane;
}

DataPlane::DataPlane(asio::io_context& io, std::unique_ptr<io::TunDevice> tun, crypto::Random& random,
                     uint32_t replay_window, UdpSend udp_send)
    : io_(io),
      tun_(std::move(tun)),
      table_(random, replay_window),
      udp_send_(std::move(udp_send)),
      out_(tun_->mtu() + kMaxEspOverhead + 64) {}

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
  socket->start([this](const ike::Address&, const ike::Address&, MutableByteView esp) { on_esp(esp); });
}

void DataPlane::install(const ike::InstallChildSa& sa) {
  if (Result<void> installed = table_.install(sa); !installed) {
    TERN_LOG(LogLevel::error, "esp", "CHILD_SA {}/{} not installed in the data plane: {}", sa.connection, sa.child,
             installed.error().detail);
    return;
  }
  if (sa.mode == ike::ChildMode::transport)
    TERN_LOG(LogLevel::warning, "esp",
             "CHILD_SA {}/{} is in transport mode: negotiated, but this data plane carries tunnel mode only",
             sa.connection, sa.child);
  if (!sa.encap) open_esp_socket(sa.remote.family);
  add_routes(sa);
  TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} installed: SPIs in {:08x} out {:08x}, {}, {}", sa.connection,
           sa.child, sa.spi_in, sa.spi_out, sa.suite.to_string(),
           sa.encap ? fmt::format("UDP-encapsulated to {}", sa.remote.to_string())
                    : fmt::format("ESP to {}", sa.remote.to_string()));
}

void DataPlane::remove(const ike::RemoveChildSa& sa) {
  if (!table_.remove(sa)) return;
  auto it = routes_of_.find(sa.spi_in);
  if (it != routes_of_.end()) {
    remove_routes(it->second);
    routes_of_.erase(it);
  }
  TERN_LOG(LogLevel::info, "esp", "CHILD_SA {}/{} removed from the data plane (SPIs in {:08x} out {:08x})",
           sa.connection, sa.child, sa.spi_in, sa.spi_out);
}

void DataPlane::add_routes(const ike::InstallChildSa& sa) {
  const std::optional<ike::Address> src = address_inside(sa.local_ts, io::netlink::local_addresses());
  std::vector<io::netlink::Prefix> added;
  for (const wire::TrafficSelector& ts : sa.remote_ts) {
    if (covers(ts, sa.remote)) {
      // A route for the peer's own address into the tunnel would swallow the
      // IKE and ESP datagrams themselves.
      TERN_LOG(LogLevel::warning, "esp",
               "CHILD_SA {}/{}: remote_ts {} contains the peer's address {}; no route installed for it",
               sa.connection, sa.child, ts.to_string(), sa.remote.to_string());
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
  routes_of_[sa.spi_in] = std::move(added);
}

void DataPlane::remove_routes(const std::vector<io::netlink::Prefix>& prefixes) {
  for (const io::netlink::Prefix& prefix : prefixes) {
    auto it = routes_.find(prefix.to_string());
    if (it == routes_.end() || --it->second.second > 0) continue;
    (void)io::netlink::delete_route(tun_->ifindex(), prefix);  // gone with the device already is fine
    routes_.erase(it);
  }
}

void DataPlane::on_tun_packet(MutableByteView packet) {
  ++counters_.tun_packets;
  Result<esp::IpPacket> ip = esp::read_ip_packet(packet);
  if (!ip) {
    ++counters_.unparsable_inner;
    return;
  }
  esp::OutboundSa* sa = table_.lookup_outbound(ip->selector);
  if (sa == nullptr) {
    ++counters_.no_policy;
    return;
  }
  Result<size_t> size = sa->encap(packet, MutableByteView(out_));
  if (!size) {
    ++counters_.encap_failed;
    return;
  }
  const esp::EspSaParams& p = sa->params();
  const ByteView esp(out_.data(), *size);
  bool sent = false;
  if (p.encap) {
    sent = udp_send_(p.local, p.remote, esp);
  } else {
    const std::unique_ptr<io::EspSocket>& socket = p.remote.family == ike::AddressFamily::ipv4 ? esp4_ : esp6_;
    sent = socket && socket->send(p.local, p.remote, esp).has_value();
  }
  if (!sent) ++counters_.send_errors;
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
  if (!tun_->write(inner->payload)) ++counters_.tun_write_errors;
}

std::optional<ChildTraffic> DataPlane::traffic(uint32_t spi_in) const {
  const esp::ChildSa* child = table_.find(spi_in);
  if (child == nullptr) return std::nullopt;
  const esp::InboundCounters& in = child->inbound.counters();
  const esp::OutboundCounters& out = child->outbound.counters();
  return ChildTraffic{in.bytes, in.packets, out.bytes, out.packets, in.replay_drops, in.auth_failures, in.dropped()};
}

}  // namespace tern::daemon
