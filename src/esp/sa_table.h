// The data plane's SA database (RFC 4301 §4.4.2 SAD with the SPD's outbound
// side folded in): inbound SAs by SPI, outbound SAs by policy, both halves of
// a CHILD_SA installed and removed together on the engine's effects.
//
// Who calls it: the daemon applies ike::InstallChildSa / ike::RemoveChildSa
// (install, remove); io/ looks up, per packet, lookup_inbound(SPI) for ESP
// received and lookup_outbound(selector of the packet read from TUN) for
// traffic to protect. The table owns the SAs (and through them their
// EspCipher); pointers it returns stay valid until that CHILD_SA is removed.
// One table per worker thread: SAs are not thread-safe.
//
// Outbound policy: each CHILD_SA contributes one policy per (local_ts,
// remote_ts) pair; a packet matches when its source is within the local
// selector and its destination within the remote one (addresses, protocol,
// ports). The most specific policy wins: longest prefix on the destination,
// then on the source, then a named protocol over "any", then the narrower
// destination and source port ranges; among equals the newest CHILD_SA (a
// rekey installs the new SA before the old one is removed, RFC 7296 §2.8).
// A CHILD_SA installed with defer_outbound (the responder of a rekey) is
// passed over in favour of an older CHILD_SA with the same selectors (the one
// it replaces) until ESP was authenticated on its inbound SA
// (inbound_authenticated: the peer has the new pair) or that one is gone.
// Policies are held in two structures that together give the same answer
// as one scan of every policy in that rank order:
//   - host policies (a single address on both sides, the usual road-warrior
//     or load-test CHILD_SA) in a tree ordered by (family, local address,
//     remote address), then ranked; for a packet of one family they outrank
//     every other policy of that family (a /32 or /128 on both sides is the
//     longest prefix), so the group with the packet's two addresses is
//     looked at first, in rank order;
//   - every other policy in an ordered tree by rank, scanned in order when
//     no host policy takes the packet.
// Install and remove are O(log n) (no vector insert or erase moving the
// tail); a packet costs an O(log n) descent to its host group (whose first
// policy usually takes it), else the scan of the range policies (over a
// contiguous copy made on the first look-up after they changed).
// For thousands of range policies, the scan would want a per-family
// longest-prefix trie on the destination.
//
// Traffic since the last poll (child_watch.h): every CHILD_SA handed out by
// lookup_child / lookup_outbound_child (the packet path) is put on an
// "active" list once until poll_watches(), so the daemon's periodic poll
// looks only at the CHILD_SAs that carried (or tried to carry) packets.
//
// Retired CHILD_SAs (retire()): a CHILD_SA replaced by a rekey or a
// reauthentication, or deleted by the peer, loses its policies (nothing is
// sent on it any more) but its inbound SA keeps taking ESP for a grace
// period: what the peer sent before it switched, still in flight or queued
// behind the IKE message that ended the SA (ternd reads ESP and IKE on
// different sockets and threads). expire_retired() removes it when the
// period is over; an install of the same inbound SPI replaces it at once.
// Its ChildWatch reports nothing more (the engine has forgotten it).
//
// How it fails: install() returns Errc::bad_spi for an SPI of ours already
// installed (or zero), and the errors of inbound_params / outbound_params and
// of creating the SAs (unknown algorithm, bad key); nothing is installed then.
// remove() of an unknown CHILD_SA returns false.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "base/time.h"
#include "crypto/random.h"
#include "esp/child_watch.h"
#include "esp/esp_sa.h"
#include "esp/ip_packet.h"
#include "esp/replay_window.h"
#include "ike/effects.h"

namespace tern::esp {

// One installed CHILD_SA: both directions and where its packets go. What
// the packet path and the poll need, nothing else (the engine has the
// names; docs/benchmarks.md "Memory per SA"): ~280 octets and, on the heap,
// the selectors and the two ciphers.
struct ChildSa {
  InboundSa inbound;
  OutboundSa outbound;
  ChildWatch watch;    // its volume limits and what was reported
  uint64_t order = 0;  // install order (SaTable's policies rank newer first among equals)
  // The outer addresses of both directions (ike::UpdateChildSa moves them):
  // io/'s outer header, and the peer NAT-T's port with encap.
  ike::Address local;
  ike::Address remote;
  bool encap = false;
  bool outbound_deferred = false;  // ike::InstallChildSa::defer_outbound, until activated
  bool active = false;             // on the table's active list (looked up since the last poll)
  bool retired = false;            // inbound only, until its grace period ends (SaTable::retire)
};

class SaTable {
 public:
  // `random` (CBC IVs) must outlive the table. `replay_window` applies to
  // every inbound SA installed (0: off, else a multiple of 64).
  explicit SaTable(crypto::Random& random, uint32_t replay_window = ReplayWindow::kDefaultSize);

  Result<void> install(const ike::InstallChildSa& sa);
  // Removes the CHILD_SA whose inbound SPI is sa.spi_in (and whose outbound
  // SPI is sa.spi_out). False when there is none.
  bool remove(const ike::RemoveChildSa& sa);
  // Like remove(), but the inbound SA stays (retired, see above) until
  // expire_retired() at or after `until`. False when there is none.
  bool retire(const ike::RemoveChildSa& sa, Timestamp until);
  // Removes the retired CHILD_SAs whose grace period ended by `now`; how many.
  size_t expire_retired(Timestamp now);
  size_t retired() const { return retired_.size(); }
  // Moves the CHILD_SA whose inbound SPI is sa.spi_in to sa.local/sa.remote
  // (both halves). False when there is none.
  bool update(const ike::UpdateChildSa& sa);

  InboundSa* lookup_inbound(uint32_t spi);
  // The packet path's look-ups: the CHILD_SA (nullptr: none), marked active.
  ChildSa* lookup_child(uint32_t spi_in);
  ChildSa* lookup_outbound_child(const PacketSelector& packet);
  // ESP with this inbound SPI passed authentication: a CHILD_SA whose
  // outbound half was deferred is used from now on. Cheap when none is.
  void inbound_authenticated(uint32_t spi) {
    if (deferred_ != 0) activate(spi);
  }
  // The SA protecting a packet with these selectors, or nullptr (no policy:
  // the packet is not for a tunnel).
  OutboundSa* lookup_outbound(const PacketSelector& packet);
  const OutboundSa* lookup_outbound(const PacketSelector& packet) const;

  const ChildSa* find(uint32_t spi_in) const;
  // Every installed CHILD_SA, by inbound SPI (no particular order).
  const std::unordered_map<uint32_t, ChildSa>& children() const { return by_spi_in_; }
  size_t size() const { return by_spi_in_.size(); }

  // Appends what the ChildWatch of each CHILD_SA marked active since the last
  // call reports (child_watch.h: traffic seen, soft and hard limits), and
  // clears the marks. CHILD_SAs not looked up since cannot have anything new:
  // their counters move only in encap/decap.
  void poll_watches(std::vector<ike::DataplaneEvent>& out);
  size_t active() const { return active_.size(); }

 private:
  // One outbound policy: a (local_ts, remote_ts) pair of a CHILD_SA. The
  // selectors are the inbound SA's own (InboundSa::params(), never changed
  // after install): one copy per CHILD_SA. Its rank (more_specific) comes
  // from them and from the CHILD_SA's install order.
  struct Policy {
    const Selector* local;
    const Selector* remote;
    ChildSa* child;
  };
  struct Ranked {  // more specific first (see the header comment)
    bool operator()(const Policy& a, const Policy& b) const { return more_specific(a, b); }
  };
  // Host policies are ordered by the two addresses they fix, then ranked;
  // a packet's addresses (a HostProbe) find their group.
  struct HostProbe {
    ike::AddressFamily family;
    const std::array<uint8_t, 16>* local;
    const std::array<uint8_t, 16>* remote;
  };
  struct HostsThenRank {
    using is_transparent = void;
    bool operator()(const Policy& a, const Policy& b) const;
    bool operator()(const Policy& a, const HostProbe& b) const;
    bool operator()(const HostProbe& a, const Policy& b) const;
  };
  static bool more_specific(const Policy& a, const Policy& b);
  static bool is_host(const Policy& p);
  void add_policy(const Policy& p);
  void remove_policy(const Policy& p);
  void activate(uint32_t spi);
  ChildSa* mark(ChildSa* c);
  ChildSa* find_policy(const PacketSelector& packet) const;  // the CHILD_SA that takes it, or nullptr

  crypto::Random& random_;
  uint32_t replay_window_;
  uint64_t installs_ = 0;
  // Owns the CHILD_SAs, in its nodes (one heap block per CHILD_SA; a node
  // never moves, so the policies' and active_'s pointers stay valid).
  std::unordered_map<uint32_t, ChildSa> by_spi_in_;
  std::set<Policy, HostsThenRank> hosts_;  // host policies
  std::set<Policy, Ranked> ranges_;        // the other policies, ranked
  // The range policies as one contiguous array with their selectors copied
  // in, for the linear scan a packet needs (a tree walk that follows the
  // selector pointers costs a few cache misses per policy). Made on the
  // first look-up after ranges_ changed, dropped when it changes: no copy
  // while nothing looks up (a responder taking setups), O(n) per change
  // while traffic flows, as the sorted vector of policies was.
  struct FlatRange {
    Selector local;
    Selector remote;
    ChildSa* child;
  };
  mutable std::vector<FlatRange> range_scan_;
  mutable bool range_scan_made_ = false;
  const std::vector<FlatRange>& range_scan() const;
  void drop_range_scan();
  std::vector<ChildSa*> active_;  // marked since poll_watches()
  size_t deferred_ = 0;           // CHILD_SAs whose outbound half waits (outbound_deferred)
  // The retired CHILD_SAs by inbound SPI, in the order of their deadlines
  // (one grace period for all, so retire() appends). An entry whose SPI was
  // installed again meanwhile is skipped.
  struct Retired {
    Timestamp until;
    uint32_t spi_in;
  };
  std::vector<Retired> retired_;
  // Drops the CHILD_SA's policies and its place on the active and deferred counts.
  void unlink(ChildSa& c);
};

}  // namespace tern::esp
