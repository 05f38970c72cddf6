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
// Policies are kept sorted by that rank and scanned linearly: fine for tens of
// CHILD_SAs. For thousands, replace the scan with a per-family longest-prefix
// trie on the destination whose nodes hold the (few) ranked policies.
//
// How it fails: install() returns Errc::bad_spi for an SPI of ours already
// installed (or zero), and the errors of inbound_params / outbound_params and
// of creating the SAs (unknown algorithm, bad key); nothing is installed then.
// remove() of an unknown CHILD_SA returns false.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "crypto/random.h"
#include "esp/esp_sa.h"
#include "esp/ip_packet.h"
#include "esp/replay_window.h"
#include "ike/effects.h"

namespace tern::esp {

// One installed CHILD_SA: both directions and the names the engine gave it.
struct ChildSa {
  ike::IkeSaId ike_sa{};
  std::string connection;
  std::string child;
  InboundSa inbound;
  OutboundSa outbound;
  bool outbound_deferred = false;  // ike::InstallChildSa::defer_outbound, until activated
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
  // Moves the CHILD_SA whose inbound SPI is sa.spi_in to sa.local/sa.remote
  // (both halves). False when there is none.
  bool update(const ike::UpdateChildSa& sa);

  InboundSa* lookup_inbound(uint32_t spi);
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
  const std::vector<std::unique_ptr<ChildSa>>& children() const { return children_; }
  size_t size() const { return children_.size(); }

 private:
  struct Policy {
    Selector local;
    Selector remote;
    OutboundSa* sa;
    uint64_t order;  // install order: newer wins among equals
    ChildSa* child;
  };
  void activate(uint32_t spi);
  static bool more_specific(const Policy& a, const Policy& b);
  size_t find_policy(const PacketSelector& packet) const;  // index or policies_.size()

  crypto::Random& random_;
  uint32_t replay_window_;
  uint64_t installs_ = 0;
  std::vector<std::unique_ptr<ChildSa>> children_;
  std::unordered_map<uint32_t, ChildSa*> by_spi_in_;
  std::vector<Policy> policies_;  // sorted, most specific first
  size_t deferred_ = 0;           // CHILD_SAs whose outbound half waits (outbound_deferred)
};

}  // namespace tern::esp
