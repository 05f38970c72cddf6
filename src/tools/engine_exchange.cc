#include "tools/engine_exchange.h"

#include <fmt/format.h>

#include <deque>
#include <memory>
#include <variant>

#include "ike/endpoint.h"

namespace tern::tools {
namespace {

using ike::Address;

const Address kInitiator = Address::ipv4({192, 0, 2, 1}, 500);
const Address kResponder = Address::ipv4({192, 0, 2, 2}, 500);
constexpr int kMaxDeliveries = 32;  // a handful suffice; bounded so a bug cannot loop

UdpEndpoint udp(const Address& a) {
  return {{a.ip[0], a.ip[1], a.ip[2], a.ip[3]}, a.port};
}

std::shared_ptr<const ike::ConnectionConfig> connection(const crypto::IkeSuite& suite, bool initiator) {
  auto c = std::make_shared<ike::ConnectionConfig>();
  c->name = "demo";
  c->local = initiator ? kInitiator : kResponder;
  c->remote = initiator ? kResponder : kInitiator;
  c->proposals = {suite};
  auto id_i = ike::Identity::rfc822("initiator@example.org");
  auto id_r = ike::Identity::rfc822("responder@example.org");
  c->local_id = initiator ? id_i : id_r;
  c->remote_id = initiator ? id_r : id_i;
  c->psk = SecretBytes(as_bytes("tern-demo-psk"));
  c->children[0].name = "net";
  c->children[0].esp_proposals = {ike::EspSuite{}};  // aes128gcm16
  auto net_i = wire::TrafficSelector::ipv4_range({192, 0, 2, 0}, {192, 0, 2, 255});
  auto net_r = wire::TrafficSelector::ipv4_range({203, 0, 113, 0}, {203, 0, 113, 255});
  c->children[0].local_ts = {initiator ? net_i : net_r};
  c->children[0].remote_ts = {initiator ? net_r : net_i};
  return c;
}

struct Peer {
  const char* role;
  ike::Endpoint endpoint;
  int installed = 0;
};

}  // namespace

Result<EngineExchange> run_engine_exchange(const crypto::IkeSuite& suite, crypto::Random& random) {
  Peer initiator{"initiator", ike::Endpoint(ike::EndpointConfig{{connection(suite, true)}}, random)};
  Peer responder{"responder", ike::Endpoint(ike::EndpointConfig{{connection(suite, false)}}, random)};
  Timestamp now = timestamp_from_us(1'000'000);
  EngineExchange out;
  std::deque<ike::Send> in_flight;

  auto drain = [&](Peer& peer) {
    for (ike::Effect& effect : peer.endpoint.take_effects()) {
      if (auto* send = std::get_if<ike::Send>(&effect)) {
        Bytes bytes = send->bytes;
        if (send->local.port != 500 && bytes.size() >= 4) bytes.erase(bytes.begin(), bytes.begin() + 4);
        out.datagrams.push_back({udp(send->local), udp(send->remote), std::move(bytes)});
        in_flight.push_back(std::move(*send));
      } else if (auto* event = std::get_if<ike::Event>(&effect)) {
        out.events.push_back(fmt::format("{}: {}: {}", peer.role, ike::to_string(event->kind), event->text));
      } else if (auto* keylog = std::get_if<ike::Keylog>(&effect)) {
        out.keylog.push_back(keylog->line);
      } else if (std::holds_alternative<ike::InstallChildSa>(effect)) {
        ++peer.installed;
      }
    }
  };

  if (auto up = initiator.endpoint.command(ike::Up{"demo"}, now); !up) return fail(std::move(up.error()));
  drain(initiator);
  for (int i = 0; i < kMaxDeliveries && !in_flight.empty(); ++i) {
    ike::Send send = std::move(in_flight.front());
    in_flight.pop_front();
    Peer& to = send.remote.same_ip(kResponder) ? responder : initiator;
    to.endpoint.on_datagram(send.remote, send.local, send.bytes, now);
    drain(to);
  }
  out.established = initiator.installed == 1 && responder.installed == 1;
  if (!out.established) {
    std::string why = out.events.empty() ? "no events" : out.events.back();
    return fail(Errc::invalid_syntax, fmt::format("the engines did not establish the CHILD_SA ({})", why));
  }
  return out;
}

}  // namespace tern::tools
