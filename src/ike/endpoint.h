// The IKEv2 engine's whole interface (DESIGN.md "The engine"): one Endpoint
// per shard owns a table of IKE SAs. Sans-I/O: bytes, commands and the time
// go in; effects (effects.h) and one next deadline come out. It never opens a
// socket, reads a clock or sleeps; randomness comes from the crypto::Random
// it is given (tests pin it with SeededRandom).
//
//   endpoint.on_datagram(local, remote, bytes, now);   // io/: a UDP datagram arrived
//   endpoint.on_timer(now);                            // io/: next_deadline() passed
//   endpoint.command(Up{"site-b"}, now);               // control/: ternctl up site-b
//   endpoint.command(UpChild{"site-b", "voip"}, now);  // one more CHILD_SA (§1.3.1)
//   endpoint.command(DownChild{"site-b", "net"}, now); // delete one CHILD_SA
//   endpoint.on_dataplane_event(ChildTrafficSeen{spi}, now);  // daemon: data plane poll
//   for (Effect& e : endpoint.take_effects()) ...      // after each of the above
//
// Cookies (§2.6, cookie.h): while too many IKE SAs are half-open
// (EndpointConfig::cookie_threshold, cookie_threshold_ip) a new IKE_SA_INIT
// without a valid N(COOKIE) is answered statelessly with one; an authentic
// request with malformed inner payloads is answered N(INVALID_SYNTAX)
// (tasks/malformed_request.h).
//
// Timers (on_timer, next_deadline): retransmits, half-open expiry, the cookie
// secret's rotation while cookies are handed out, and dead
// peer detection (a liveness check when nothing came from the peer for
// dpd_delay; IkeSa::liveness_deadline). When an established SA's peer stops
// answering, the SA is destroyed and the connection's dpd_action applied.
// ESP authenticated on a child (ChildTrafficSeen) counts as "received from
// the peer" for that SA's liveness check (§2.4). INITIAL_CONTACT (§2.4) is sent on the first IKE SA between
// two identities; when received, older IKE SAs between the same identities are deleted locally (the peer has
// forgotten them).
//
// Peers that move or restart: an end not behind a NAT follows the peer's new
// address/port on a new authenticated IKE message, with its CHILD_SAs
// (UpdateChildSa; nat_mapping.h); ESP from a new address (EspSourceChanged)
// starts a liveness check there. dpd_action = restart initiates again each
// time an attempt gets no answer, until the peer is back; an unprotected
// INVALID_IKE_SPI answer to our request (peer_restart.cc) is a hint that the
// peer restarted: with restart, our IKE SA is reauthenticated at once.
//
// How it fails: inputs never throw and never fail the caller. Datagrams that
// cannot be used are dropped with a named counter (counters()) and, where
// useful, a message_dropped Event. A request for an IKE SPI we do not know is
// answered with N(INVALID_IKE_SPI) only within a rate limit (invalid_ike_spi.h);
// unauthenticated messages never alter an SA. command() returns an Error
// for a connection (or child) name the config does not have, and when there
// is nothing to do (UpChild of a child that is up, Rekey/Reauth with no IKE SA
// to renew). IKE SAs that fail die with a
// reason (Event ike_sa_destroyed), removing their CHILD_SAs (RemoveChildSa).
//
// Several CHILD_SAs per connection (RFC 7296 §1.3.1): Up makes a new IKE SA
// with the connection's first child in IKE_AUTH and each further child with
// its own CREATE_CHILD_SA (tasks/child_create_additional.h); UpChild makes one
// child on the IKE SAs that are up (or a new IKE SA with only it); DownChild
// deletes one. As responder, each requested CHILD_SA gets the first child of
// the connection whose selectors narrow the peer's (child_select.h).
//
// Data plane events (on_dataplane_event, dataplane_input.cc): traffic seen
// postpones the liveness check; a soft lifetime limit rekeys the child
// (once per child, tasks/child_rekey.h); a hard one deletes the CHILD_SA with
// INFORMATIONAL D(ESP) as DownChild does, with the limit as the reason.
//
// IKE SA renewal (ike_renewal.cc, ike_lifetime.h): at an IKE SA's rekey_at,
// or on `Rekey{conn, ""}`, a CREATE_CHILD_SA rekey of the IKE SA itself
// (tasks/ike_rekey.h): a new IKE SA with new SPIs takes the CHILD_SAs over,
// and the old one is deleted. At its reauth_at, or on `Reauth{conn}`, a
// reauthentication, make-before-break: a new IKE SA of the connection is set
// up (IKE_SA_INIT, IKE_AUTH, its CHILD_SAs) while the old one keeps carrying
// traffic; once the new one is established the old one is deleted; if the new
// one fails, the old one stays and reauthentication is tried again a minute
// later. At expire_at (over_time after the rekey or reauth was due) an IKE SA
// that was not replaced is deleted.
//
// CHILD_SA rekeying (tasks/child_rekey.h): `Rekey{conn, child}`, a child's
// rekey_time (minus a jitter of up to rand_time, drawn from the injected
// Random when the child is installed; a timer of next_deadline()), or a soft
// limit start a CREATE_CHILD_SA with N(REKEY_SA); the peer's such requests
// are answered, also when both ends rekey the same child at once (the
// lowest nonce decides which new pair stays, RFC 7296 §2.8.1); a rekey of a
// child we are deleting is refused with TEMPORARY_FAILURE (§2.25.1). The new
// CHILD_SA keeps the child's name; the old one is deleted once the new one
// is installed on both ends.
//
// IKE SAs are referred to by IkeSaId across calls, never by pointer.
//
// Bookkeeping, O(1) per input whatever the number of IKE SAs: every IKE SA
// an input reaches (the one a datagram goes to, those its tasks find, the one
// a timer is due for) is "touched"; after the input (reap) only the touched
// SAs are looked at: destroyed when dead, otherwise their next deadline is
// re-armed in a DeadlineQueue (deadline_queue.h) and their half-open state
// counted for the cookie gate. next_deadline() is the queues' top; on_timer()
// visits only the SAs that are due. Certificate expiry is kept in a second
// queue on the wall clock, so that a changed wall-clock offset moves it
// without re-arming anything. Commands, reloads and address changes walk the
// table anyway and touch every SA.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/time.h"
#include "crypto/cert_cache.h"
#include "crypto/random.h"
#include "crypto/x509_certificate.h"
#include "ike/address.h"
#include "ike/command.h"
#include "ike/connection_config.h"
#include "ike/cookie.h"
#include "ike/dataplane_event.h"
#include "ike/deadline_queue.h"
#include "ike/effects.h"
#include "ike/endpoint_counters.h"
#include "ike/ike_sa.h"
#include "ike/ike_sa_table.h"
#include "ike/invalid_ike_spi.h"
#include "ike/sa_store.h"
#include "ike/shard_spi.h"

namespace tern::ike {

// What `ternctl status` / `list-sas` and tests see of one IKE SA.
struct IkeSaStatus {
  IkeSaId id{};
  std::string connection;
  IkeSaState state = IkeSaState::created;
  bool initiator = false;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  Address local;
  Address remote;
  std::optional<crypto::IkeSuite> suite;
  bool nat_detected = false;
  std::vector<ChildSa> children;
  std::optional<Timestamp> established_at;
  std::string local_id;   // ours, as configured ("fqdn:a.example.org")
  std::string remote_id;  // the peer's, as it authenticated; empty before IKE_AUTH
};

class Endpoint : private IkeSaTable {
 public:
  Endpoint(EndpointConfig config, crypto::Random& random);
  ~Endpoint() override;
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // A UDP datagram received on `local` from `remote`. On the NAT-T port it
  // starts with the 4-octet non-ESP marker (RFC 3948 §2.2); anything else
  // there is ESP and not ours (dropped).
  void on_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now);
  // Retransmits, gives up, expires half-open SAs: whatever is due at `now`.
  void on_timer(Timestamp now);
  Result<void> command(const Command& cmd, Timestamp now);
  // What the data plane saw on a CHILD_SA (dataplane_event.h). An SPI no
  // child of ours has (any more) is ignored. Never fails.
  void on_dataplane_event(const DataplaneEvent& event, Timestamp now);
  // MOBIKE (RFC 4555, mobike_input.cc): io/ reports the host's usable local
  // addresses, the whole list, at start and after each change (netlink). An
  // established MOBIKE IKE SA we initiated whose local address is no longer
  // in the list moves to the first address of the peer's family that is not
  // inside its children's local traffic selectors, with UPDATE_SA_ADDRESSES
  // (tasks/mobike_update.h); when there is none it waits for the next list.
  // One whose address is still there but whose UPDATE_SA_ADDRESSES is in
  // flight sends it again at once (io/ reports route changes too: the path
  // may work now). The list is also what MOBIKE announces as our additional
  // addresses. Never fails.
  void on_local_addresses(std::vector<Address> addresses, Timestamp now);
  // Reload (ternd: SIGHUP, `ternctl reload`): `connections` replaces the
  // connection list. The caller passes the very same shared_ptr for a
  // connection whose settings did not change, so its IKE SAs keep running;
  // an IKE SA whose connection is gone or was changed is deleted (Delete when
  // established, at once otherwise). Returns how many IKE SAs are going.
  size_t reload(std::vector<std::shared_ptr<const ConnectionConfig>> connections, Timestamp now);
  // Whether IKE SAs made from now on emit their Keylog effect
  // (EndpointConfig::keylog; ternd: daemon.keylog set or unset by a reload).
  void set_keylog(bool on) { config_.keylog = on; }
  // Sharded Endpoints (ternd's workers): another shard accepted INITIAL_CONTACT
  // (effects.h InitialContactReceived). Deletes locally, as for an
  // INITIAL_CONTACT received here (same reason, Event, RemoveChildSa and
  // counter initial_contact_replaced), every IKE SA authenticated between
  // `contact.local_id` (ours) and `contact.peer_id` that was established no
  // later than `contact.established_at`: a later one was made after the
  // peer's restart. Returns how many go. Never fails.
  size_t drop_sas_of_peer(const InitialContactReceived& contact, Timestamp now);
  // Whether an IKE SA of this Endpoint is between the identities of
  // `connection` (authenticated, or not yet but with its peer address): a new
  // IKE SA of it sends no INITIAL_CONTACT (§2.4). False for an unknown name.
  bool has_sa_with_peer_of(std::string_view connection) const;
  // The earliest time on_timer() has something to do; nullopt: nothing.
  std::optional<Timestamp> next_deadline() const;
  // The effects produced since the last call, in order.
  std::vector<Effect> take_effects();
  // The same into `into` (cleared first), whose buffer the Endpoint keeps for
  // the next effects: a caller that takes effects after every input with the
  // same vector allocates none for it (ternd's workers).
  void take_effects(std::vector<Effect>& into);

  std::vector<IkeSaStatus> status() const;
  // The wall clock (UTC) that goes with the Timestamps given to the inputs:
  // wall time = Unix epoch + now + offset. Certificates are valid on the wall
  // clock, which the engine cannot read; io/ knows the offset
  // (io::Clock::wall_offset) and ternd sets it again before each datagram,
  // so that a stepped system clock is followed. Tests set it so that their
  // fake `now` falls inside their certificates' validity. Until it is set,
  // every certificate chain is refused ("no wall-clock time").
  void set_wall_clock_offset(Duration offset) { wall_offset_ = offset; }
  std::optional<crypto::WallTime> wall_time(Timestamp now) const;
  // Parsed peer certificates (CERT payloads), shared by this Endpoint's IKE SAs.
  const crypto::CertCache& cert_cache() const { return cert_cache_; }

  const EndpointCounters& counters() const { return counters_; }
  const EndpointConfig& config() const { return config_; }

 private:
  using HalfOpenKey = std::tuple<uint64_t, std::array<uint8_t, 16>, uint16_t>;  // SPIi, peer IP, peer port
  using IpKey = std::pair<AddressFamily, std::array<uint8_t, 16>>;
  // A responder SA made by an IKE_SA_INIT request: its half_open_ key (the
  // peer address may float later) and whether it is counted as half-open.
  struct ResponderEntry {
    HalfOpenKey key;
    std::optional<IpKey> counted;  // set: counted in half_open_count_ under this peer IP
  };

  friend class EndpointPeer;  // tests (tests/ike/endpoint_peer.h)

  TaskContext context(IkeSa& sa, Timestamp now);
  // The SA the datagram went to, or nullptr.
  IkeSa* handle_datagram(const Address& local, const Address& remote, ByteView bytes, Timestamp now);
  void answer_unknown_spi(const Address& local, const Address& remote, const wire::IkeHeader& header,
                          Timestamp now);
  // A new IKE SA of `connection` that makes the children named in `children`
  // (IkeSa::children_to_create); empty: every child of the connection.
  // `peer_elsewhere`: another shard holds an IKE SA with this peer (Up::peer_elsewhere).
  IkeSa& start_initiator(std::shared_ptr<const ConnectionConfig> connection, Timestamp now,
                         std::vector<std::string> children = {}, bool peer_elsewhere = false);
  bool has_sa_between(const ConnectionConfig& connection) const;
  Result<void> up_child(const UpChild& up, Timestamp now);
  Result<void> refuse_responder_only(const ConnectionConfig& connection);
  // §2.4: after `sa` was authenticated with INITIAL_CONTACT, older SAs between the same identities go.
  void apply_initial_contact(IkeSa& sa);
  // Marks dead the IKE SAs between `local_id` and `peer_id` but `replaced_by`
  // (established no later than `established_by`, when set); returns how many.
  size_t replace_sas_of_peer(const wire::IdPayload& local_id, const wire::IdPayload& peer_id,
                             IkeSaId replaced_by, std::optional<Timestamp> established_by);
  // peer_restart.cc: an unprotected N(INVALID_IKE_SPI) answer to our request on `sa`.
  static bool is_invalid_ike_spi_answer(const wire::Message& message);
  void peer_restart_hint(IkeSa& sa, const Address& remote, Timestamp now);
  void start_task(IkeSa& sa, std::unique_ptr<Task> task, Timestamp now);
  // mobike_input.cc: where a MOBIKE IKE SA of ours can move (nullopt: nowhere yet).
  std::optional<Address> pick_local_address(const IkeSa& sa) const;
  // Queues a child_rekey of the CHILD_SA with inbound SPI `spi_in` (if it
  // can be rekeyed now), with `why` for the Event.
  void start_child_rekey(IkeSa& sa, uint32_t spi_in, std::string_view why, Timestamp now);
  // unprotected_error.h: N(INVALID_MAJOR_VERSION) or N(UNSUPPORTED_CRITICAL_PAYLOAD) for a
  // request parse_message refused, within the INVALID_IKE_SPI rate limit.
  void answer_unparsable(const Address& local, const Address& remote, ByteView message, const Error& error,
                         Timestamp now);
  IkeSa* find_sa_for(const wire::IkeHeader& header, const Address& remote);
  // The live IKE SA holding the CHILD_SA with inbound SPI `spi_in`, or nullptr.
  IkeSa* find_sa_of_child(uint32_t spi_in);
  // dataplane_input.cc
  void child_limit_reached(IkeSa& sa, ChildSa& child, const ChildLimitReached& limit, Timestamp now);
  // child_expiry.cc: children past their life_time are deleted (as a hard limit).
  void expire_children(IkeSa& sa, Timestamp now);
  static std::optional<Timestamp> next_child_expiry(const IkeSa& sa);
  IkeSa* create_responder_sa(const Address& local, const Address& remote, const wire::IkeHeader& header,
                             Timestamp now);
  // A responder SA just made for an IKE_SA_INIT request that was then dropped
  // unanswered: removed without a trace (no events, no counters but the drop's).
  void forget_responder_sa(IkeSa& sa);
  // §2.6 (cookie_admission.cc): whether a new IKE_SA_INIT request may create
  // state. False: it was answered with N(COOKIE) (or dropped) and nothing is kept.
  // `datagram_size`: the octets received, so that the answer is never larger.
  bool admit_ike_sa_init(const Address& local, const Address& remote, const wire::Message& request,
                         size_t datagram_size, Timestamp now);
  // <--  HDR(SPIi, 0), N(COOKIE) for `request`, unless that answer would be
  // larger than the `datagram_size` octets received (then nothing: counted
  // in cookies_withheld). False when the request has no Ni (dropped, counted).
  bool answer_with_cookie(const Address& local, const Address& remote, const wire::Message& request,
                          size_t datagram_size, Timestamp now);
  // Octets of the Send effects from index `first` on.
  uint64_t octets_sent_since(size_t first) const;
  std::shared_ptr<const ConnectionConfig> find_connection(std::string_view name) const;
  uint64_t allocate_spi();
  // The IkeSaId of the next IKE SA made (EndpointConfig::shard_count apart).
  IkeSaId next_sa_id();
  // IkeSaTable, for tasks (ike_rekey).
  uint64_t reserve_spi() override;
  void release_spi(uint64_t spi) override;
  IkeSa& create(Role role, std::shared_ptr<const ConnectionConfig> config, const Address& local,
                const Address& remote, uint64_t spi_i, uint64_t spi_r) override;
  IkeSa* find(IkeSaId id) override;
  void initiate_later(IkeSaId id) override { created_.push_back(id); }
  uint32_t allocate_esp_spi() override;
  void child_owned(uint32_t spi_in, IkeSaId owner) override {
    if (ChildSpi* entry = child_spis_.find(spi_in)) {
      entry->owner = owner;
    } else {
      child_spis_.insert(ChildSpi{spi_in, owner});
    }
  }
  void child_gone(uint32_t spi_in) override { child_spis_.erase(spi_in); }
  // ike_renewal.cc
  void start_ike_rekey(IkeSa& sa, std::string_view why, Timestamp now);
  void start_reauth(IkeSa& sa, std::string_view why, Timestamp now);
  // Rekey, reauthenticate or expire what is due at `now` (from on_timer).
  void renew_due(IkeSa& sa, Timestamp now);
  // The certificate-expiry watch (cert_expiry.cc): when the peer's or our
  // certificate of an established IKE SA expires (its notAfter, on the wall
  // clock), and what to do then.
  std::optional<Timestamp> cert_expiry_deadline(const IkeSa& sa) const;
  bool watch_cert_expiry(IkeSa& sa, Timestamp now);
  void consider_renewal_deadlines(const IkeSa& sa, std::optional<Timestamp>& next) const;
  // After each input: starts the IKE SAs tasks made (their queued requests),
  // deletes IKE SAs whose reauthentication completed, retries those whose
  // reauthentication failed.
  void settle_renewals(Timestamp now);
  // Destroys every SA marked dead: RemoveChildSa per child, Event with the
  // reason; applies dpd_action to those whose peer stopped answering.
  void reap(Timestamp now);
  // Bookkeeping (see the top of this file).
  void touch(const IkeSa& sa) { touched_.push_back(sa.id); }
  void touch_all() { touched_all_ = true; }
  // Re-arms `sa` in the deadline queues and updates its half-open count.
  void rearm(IkeSa& sa);
  // The earliest time on_timer has something to do for `sa`, but for certificate expiry.
  std::optional<Timestamp> own_deadline(const IkeSa& sa) const;
  // When its certificates expire, as a time since the Unix epoch (wall clock).
  std::optional<Timestamp> cert_wall_deadline(const IkeSa& sa) const;
  void count_half_open(const IkeSa& sa);
  // A responder SA goes: its half_open_ entry (by key) and its count.
  void forget_responder_entry(IkeSaId id);
  IkeSa* lookup(IkeSaId id);  // find() without touching
  // Forgets what the bookkeeping holds for a destroyed SA (queues, indexes, counts).
  void forget_bookkeeping(const IkeSa& sa);

  EndpointConfig config_;  // connections change on reload()
  crypto::Random& random_;
  std::vector<Effect> effects_;
  EndpointCounters counters_;
  uint64_t next_id_ = 1;
  // The IKE SAs, by id and by our SPI (SPIi as initiator, SPIr as responder).
  SaStore sas_;
  // Inbound ESP SPI of each CHILD_SA -> its IKE SA (spi 0: an empty slot; ours are >= 256).
  struct ChildSpi {
    uint32_t spi = 0;
    IkeSaId owner{};
  };
  struct ChildSpiTraits {
    using Key = uint32_t;
    static Key key(const ChildSpi& e) { return e.spi; }
    static bool is_empty(const ChildSpi& e) { return e.spi == 0; }
    static uint64_t hash(Key spi) { return mix_hash(spi); }
  };
  FlatTable<ChildSpi, ChildSpiTraits> child_spis_;
  std::map<HalfOpenKey, IkeSaId> half_open_;  // half-open responder SAs by the initiator's SPI and address
  std::vector<IkeSaId> created_;  // made or handed tasks by tasks during this input: initiate after it
  std::vector<IkeSaId> reauthenticating_;  // established IKE SAs whose successor is being set up
  RateLimiter invalid_ike_spi_limit_;
  CookieJar cookies_;
  // Set by handle_datagram for a datagram whose source has not shown that it
  // receives what we send there (counters_.unverified_octets_*).
  bool datagram_unverified_ = false;
  std::optional<Duration> wall_offset_;
  std::optional<std::vector<Address>> local_addresses_;  // on_local_addresses; nullopt: never reported
  crypto::CertCache cert_cache_{256};
  DeadlineQueue deadlines_;       // own_deadline of each IKE SA
  DeadlineQueue cert_deadlines_;  // cert_wall_deadline of each IKE SA (wall clock)
  std::vector<IkeSaId> touched_;  // during this input (duplicates allowed)
  bool touched_all_ = false;
  std::unordered_map<IkeSaId, ResponderEntry> responders_;
  uint64_t half_open_count_ = 0;
  std::map<IpKey, uint64_t> half_open_by_ip_;
  // Authenticated IKE SAs by the peer's identity, for INITIAL_CONTACT: a hash
  // of its ID Type and data -> its IKE SAs (IkeSa::in_peer_id_index).
  std::unordered_multimap<uint64_t, IkeSaId> by_peer_id_;
  size_t last_reap_visits_ = 0;  // SAs looked at by the last reap (tests: O(1) per input)
};

}  // namespace tern::ike
