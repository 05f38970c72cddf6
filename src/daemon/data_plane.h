// ternd's userspace ESP data plane (DESIGN.md "ESP data plane", docs/esp.md):
// the esp/ SA table wired to the TUN device, the raw ESP sockets and the
// NAT-T UDP socket.
//
//   outbound: TUN packet -> policy lookup (the children's traffic selectors)
//             -> OutboundSa::encap -> raw ESP socket, or UDP 4500 when encap
//   inbound:  ESP (raw socket, or UDP 4500 with a non-zero SPI) -> SA by SPI
//             -> InboundSa::decap (replay, ICV, padding, selectors) -> TUN
//   transport mode (RFC 4303 §3.1.1): outbound the IP header is cut off
//   before encap, inbound one is written in front of the payload
//   (esp/transport_packet.h) and checked against the SA's selectors.
//
// Routes for each child's remote traffic selectors point at the TUN device
// (with our address inside the local selectors as the preferred source when
// we have one); they are reference-counted across children and removed with
// the last child that needed them (a child's list is made again from its
// SA's selectors, not kept). Tunnel mode: in the main table, never
// for the peer's own address. Transport mode: in tern's own table, with the
// "not fwmark" rule while any such route exists (io/transport_routing.h).
//
// Life cycle (esp/child_watch.h): each installed CHILD_SA has a ChildWatch
// with its volume limits (in its esp::ChildSa). poll_events(), called by the
// Daemon from its timer tick (at least once a second while any CHILD_SA is
// installed), turns the counters of the SAs that carried packets since the
// last poll (the SaTable's active list) into engine inputs
// (ike/dataplane_event.h): inbound traffic seen, soft and hard limits
// reached. The packet loop never calls the engine; its only per-packet work
// for this is the look-up's "active" mark.
//
// Who calls it: the Daemon, with the engine's InstallChildSa/RemoveChildSa
// effects and with ESP datagrams from the NAT-T socket; all on the event
// loop thread. How it fails: create() when the TUN device cannot be made;
// afterwards nothing fails the daemon — a packet that cannot be carried is
// counted (counters()) and dropped, an install that fails is logged.
#pragma once

#include <array>
#include <asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "base/time.h"
#include "crypto/random.h"
#include "daemon/held_esp.h"
#include "daemon/traps.h"
#include "esp/child_watch.h"
#include "esp/sa_table.h"
#include "ike/dataplane_event.h"
#include "ike/effects.h"
#include "io/esp_socket.h"
#include "io/netlink.h"
#include "io/tun_device.h"
#include "io/tun_gro.h"

namespace tern::daemon {

struct DataPlaneSettings {
  std::string tun_device = "tern0";
  uint32_t tun_mtu = 1400;
  uint32_t replay_window = esp::ReplayWindow::kDefaultSize;
};

struct DataPlaneCounters {
  uint64_t tun_packets = 0;        // read from the TUN device
  uint64_t tun_super_packets = 0;  // of those: TCP super-packets (TSO) cut into segments here
  uint64_t batches_sent = 0;       // sendmmsg calls
  uint64_t no_policy = 0;          // TUN packets no child's selectors (nor a trap) cover (dropped)
  uint64_t trapped = 0;            // TUN packets kept by a trap until its CHILD_SA is up
  uint64_t unparsable_inner = 0;   // TUN packets that are not IP
  uint64_t encap_failed = 0;       // sequence numbers exhausted, packet too large
  uint64_t send_errors = 0;
  uint64_t esp_received = 0;
  uint64_t unknown_spi = 0;   // ESP for an SPI we have no SA for (dropped)
  uint64_t esp_held = 0;      // ESP that came before its CHILD_SA was installed, taken then (held_esp.h)
  uint64_t decap_failed = 0;  // see the SA's counters for why
  uint64_t tun_write_errors = 0;
  uint64_t coalesced = 0;  // received TCP segments written to the TUN device as part of a super-packet
  uint64_t route_errors = 0;
  uint64_t transport_refused = 0;  // TUN packets transport mode cannot carry (fragments, IPv6 ext. headers)
  uint64_t transport_mismatches = 0;  // inbound transport payloads outside the selectors (or unbuildable)
  uint64_t esp_source_changes = 0;    // authenticated ESP-in-UDP from a new peer address (engine told)
  uint64_t peer_moves = 0;            // CHILD_SAs moved to the peer's new address (ike::UpdateChildSa)
};

// What `ternctl list-sas` shows of one child's traffic.
struct ChildTraffic {
  uint64_t bytes_in = 0, packets_in = 0, bytes_out = 0, packets_out = 0;
  uint64_t replay_drops = 0, auth_failures = 0, dropped_in = 0;
};

class DataPlane {
 public:
  // Sends ESP packets in UDP from `local` to `remote` (the NAT-T socket; no
  // non-ESP marker); returns how many were sent.
  using UdpSend = std::function<size_t(const ike::Address& local, const ike::Address& remote,
                                       std::span<const ByteView> esp)>;

  static Result<std::unique_ptr<DataPlane>> create(asio::io_context& io, const DataPlaneSettings& settings,
                                                   crypto::Random& random, UdpSend udp_send);
  ~DataPlane();
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  // Trap policies (daemon/traps.h): routes for the connection's remote
  // selectors now; `acquire` is called with the connection's name when the
  // first matching packet arrives and no CHILD_SA covers it.
  using Acquire = std::function<void(const std::string& connection)>;
  void set_acquire(Acquire acquire) { acquire_ = std::move(acquire); }
  void add_trap(const std::string& connection, const std::vector<wire::TrafficSelector>& local_ts,
                const std::vector<wire::TrafficSelector>& remote_ts, const ike::Address& peer,
                ike::ChildMode mode);
  void remove_trap(const std::string& connection);
  // The negotiation a trap started failed: its kept packets are dropped.
  void trap_failed(const std::string& connection);
  const TrapTable& traps() const { return traps_; }

  void install(const ike::InstallChildSa& sa);
  // Removes the CHILD_SA at `now`; with sa.inbound_grace its inbound SA
  // still takes ESP for kInboundGrace (esp::SaTable::retire).
  void remove(const ike::RemoveChildSa& sa, Timestamp now);
  // How long a replaced CHILD_SA's inbound SA outlives it: packets in flight
  // and ESP read before the IKE message that replaced it (as strongSwan's
  // delete_rekeyed_delay, 5 s by default).
  static constexpr Duration kInboundGrace = std::chrono::seconds(5);
  // The Daemon's poll: ends the grace periods that are over at `now`, and
  // drops the ESP held since the poll before (held_esp.h).
  void age(Timestamp now);
  // The peer's NAT mapping changed (RFC 7296 §2.23), or MOBIKE moved the IKE
  // SA (RFC 4555): the CHILD_SA's ESP goes between the new addresses from now
  // on, and its routes are made again for the new peer address.
  void update(const ike::UpdateChildSa& sa);
  // An ESP packet (starting at the SPI) that arrived in UDP on the NAT-T port
  // from `remote`. When it authenticates but comes from another address or
  // port than its SA's peer, the engine hears of it at the next poll
  // (ike::EspSourceChanged), once per new address; the SA does not move by itself.
  void on_udp_esp(const ike::Address& local, const ike::Address& remote, MutableByteView esp);
  // The end of a burst of received ESP: write what was coalesced to the TUN device.
  void flush_inbound() { gro_.flush(); }

  // What happened on the installed CHILD_SAs since the last call, for
  // Endpoint::on_dataplane_event (child_watch.h). Cheap: one look at the
  // counters of each SA that carried packets since then, none at the others.
  std::vector<ike::DataplaneEvent> poll_events();
  bool has_children() const { return table_.size() > 0; }

  std::optional<ChildTraffic> traffic(uint32_t spi_in) const;
  const DataPlaneCounters& counters() const {
    counters_.coalesced = gro_.coalesced();
    return counters_;
  }
  const std::string& device() const { return tun_->name(); }
  // The host's addresses (a CHILD_SA's routes get one inside its local
  // selectors as their source) are read once and kept, instead of a netlink
  // dump per installed CHILD_SA, once something tells the data plane when
  // they change: the daemon calls local_addresses_changed() on every address
  // event (io::AddressMonitor). Until keep_local_addresses(), they are read
  // each time.
  void keep_local_addresses() { keep_local_addresses_ = true; }
  void local_addresses_changed() { local_addresses_.reset(); }

 private:
  DataPlane(asio::io_context& io, std::unique_ptr<io::TunDevice> tun, crypto::Random& random,
            uint32_t replay_window, UdpSend udp_send);
  void on_tun_packet(const io::VnetHeader& header, MutableByteView packet);
  // Encapsulates one IP packet into the outgoing batch (flushing it first
  // when the packet goes to another SA or the batch is full).
  void encap_one(ByteView packet);
  // A TSO super-packet for a tunnel-mode SA: its segments are cut straight
  // into the batch's ESP slots and sealed in place. False (nothing done)
  // when no tunnel-mode SA covers it: the caller cuts it into segments and
  // passes each to encap_one.
  bool encap_super_packet(ByteView packet, const io::VnetHeader& header);
  void flush();
  // The CHILD_SA whose inbound SA the packet authenticated on, or nullptr.
  const esp::ChildSa* on_esp(MutableByteView esp);
  // The rest of on_esp once the SA is known: decap, checks, to the TUN device.
  const esp::ChildSa* decap(esp::ChildSa* child, uint32_t spi, MutableByteView esp);
  // Transport mode, inbound: the IP packet for the TUN device (in
  // transport_packet_), or nullopt when it is dropped (counted).
  std::optional<ByteView> rebuild_transport(const esp::ChildSa& child, const esp::Decapped& inner);
  void open_esp_socket(ike::AddressFamily family);
  // Routes for `remote_ts` with our address inside `local_ts` as the
  // preferred source. Tunnel mode: in the main table, skipping any that would
  // cover the peer itself; transport mode: in tern's own table, the peer's
  // address included.
  std::vector<io::netlink::Route> add_routes(const std::string& owner,
                                             const std::vector<wire::TrafficSelector>& local_ts,
                                             const std::vector<wire::TrafficSelector>& remote_ts,
                                             const ike::Address& peer, ike::ChildMode mode);
  void remove_routes(const std::vector<io::netlink::Route>& routes);
  // The routes add_routes makes for these selectors (none added): for a
  // CHILD_SA, made again from its SA's selectors, peer and mode when they
  // go, instead of a copy kept per CHILD_SA.
  static std::vector<io::netlink::Route> routes_for(const std::vector<wire::TrafficSelector>& remote_ts,
                                                    const ike::Address& peer, ike::ChildMode mode,
                                                    const std::string* owner_to_warn);
  static std::vector<io::netlink::Route> routes_of(const esp::ChildSa& child);
  const std::vector<ike::Address>& local_addresses();
  // The "not fwmark" rule of a family follows its count of transport routes.
  void transport_route_added(ike::AddressFamily family);
  void transport_route_removed(ike::AddressFamily family);

  asio::io_context& io_;
  std::unique_ptr<io::TunDevice> tun_;
  esp::SaTable table_;
  UdpSend udp_send_;
  std::unique_ptr<io::EspSocket> esp4_;
  std::unique_ptr<io::EspSocket> esp6_;
  // The outgoing batch: up to kBatch ESP packets for one SA, sent with one sendmmsg.
  static constexpr size_t kBatch = 64;
  size_t slot_size_;
  std::vector<uint8_t> slots_;
  std::vector<ByteView> batch_;
  esp::ChildSa* batch_sa_ = nullptr;  // whose outbound SA sealed the batch
  std::vector<uint8_t> segments_;     // a TSO super-packet cut into MTU-sized packets
  // A route as a map key: family, destination IP and length, table (no text
  // to format per CHILD_SA install).
  using RouteKey = std::tuple<ike::AddressFamily, std::array<uint8_t, 16>, uint8_t, uint32_t>;
  static RouteKey key_of(const io::netlink::Route& r) {
    return {r.destination.address.family, r.destination.address.ip, r.destination.length, r.table};
  }
  std::map<RouteKey, std::pair<io::netlink::Route, int>> routes_;       // route, users
  std::map<std::string, std::vector<io::netlink::Route>> trap_routes_;  // by connection
  std::array<int, 2> transport_routes_{};  // per family (IPv4, IPv6): routes in the transport table
  std::vector<uint8_t> transport_packet_;  // an inbound transport-mode packet being rebuilt
  TrapTable traps_;
  HeldEsp held_;                // ESP for SPIs not installed yet
  uint64_t not_installed_ = 0;  // ESP that came for an SPI not installed (for the log's bound)
  // By spi_in: the new address authenticated ESP came from, reported at the
  // next poll (`reported`: already told the engine).
  struct SourceChange {
    ike::Address source;
    bool reported = false;
  };
  std::map<uint32_t, SourceChange> source_changes_;
  io::TunGro gro_;  // decapsulated packets on their way to the TUN device
  Acquire acquire_;
  bool keep_local_addresses_ = false;
  std::optional<std::vector<ike::Address>> local_addresses_;  // nullopt: read again when needed
  mutable DataPlaneCounters counters_;
};

}  // namespace tern::daemon
