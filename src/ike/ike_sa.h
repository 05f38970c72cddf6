// The state of one IKE SA (RFC 7296 §2): SPIs, addresses, the negotiated
// suite, nonces and keys, NAT state, its CHILD_SAs and its task manager.
//
// Owned by the Endpoint's table (endpoint.h), which refers to it by IkeSaId
// across calls; tasks get it by reference for the duration of one call (via
// TaskContext). Nothing here fails: tasks validate before they store. An SA
// that must go is marked with die(reason); the Endpoint destroys it (and
// removes its CHILD_SAs) when the current input is handled.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/boxed.h"
#include "base/bytes.h"
#include "base/rare_string.h"
#include "base/secret_bytes.h"
#include "base/sentinel_optional.h"
#include "base/time.h"
#include "crypto/key_derivation.h"
#include "crypto/key_exchange.h"
#include "crypto/prf.h"
#include "crypto/sk_cipher.h"
#include "crypto/suite.h"
#include "crypto/x509_certificate.h"
#include "ike/address.h"
#include "ike/connection_config.h"
#include "ike/effects.h"
#include "ike/rekey_collision.h"
#include "ike/task.h"
#include "ike/task_manager.h"
#include "ike/ts_list.h"
#include "wire/id_payload.h"

namespace tern::ike {

enum class IkeSaState : uint8_t {
  created,      // IKE_SA_INIT not completed
  init_done,    // IKE_SA_INIT completed, keys derived, IKE_AUTH pending
  established,  // authenticated
  deleting,     // our Delete is in flight
  rekeyed,      // replaced by a new IKE SA (rekey, §2.18, or reauthentication); its Delete is coming
  dead,         // to be destroyed (reason in death_reason)
};
std::string_view to_string(IkeSaState state);

// IkeSaId 0 is no IKE SA (Event::ike_sa of an event about none).
struct NoIkeSaId {
  static constexpr IkeSaId value() { return IkeSaId{0}; }
};
using OptionalIkeSaId = SentinelOptional<IkeSaId, NoIkeSaId>;

// sizeof 192 with both selector lists inline (docs/benchmarks.md "Memory per SA").
struct ChildSa {
  std::string name;
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  EspSuite suite;
  ChildMode mode = ChildMode::tunnel;
  bool encap = false;
  TsList local_ts;  // one selector inline (ts_list.h)
  TsList remote_ts;
  bool deleting = false;             // our D(ESP) for it is in flight (child_delete)
  bool closing = false;              // we delete it (our D(ESP) for it is queued or in flight)
  bool soft_limit_reported = false;  // its soft lifetime limit started a rekey (dataplane_input.cc), once
  bool hard_limit_reached = false;   // its hard lifetime limit started its deletion, once
  bool rekeying = false;             // our CREATE_CHILD_SA rekeying it is queued or in flight (child_rekey)
  bool rekeyed = false;              // replaced by a new CHILD_SA (or redundant); its Delete is coming
  bool peer_deleted = false;         // the peer deleted it, or its IKE SA (ike_delete)
  uint8_t pfs_refusals = 0;          // our rekeys of it the peer refused over PFS (the first is logged)
  OptionalTimestamp rekey_at;        // rekey_time (minus jitter) after it was installed; nullopt: never
  // life_time after it was installed: deleted then unless replaced (child_expiry.cc); nullopt: never.
  OptionalTimestamp expire_at;
  // Why its rekeys cannot succeed, in plain words, when known: the peers
  // disagree about PFS (pfs_diagnosis.h). Shown by ternctl status / list-sas.
  RareString rekey_problem;
  // The peer's rekey of it that we answered while ours was under way: a
  // simultaneous rekey (RFC 7296 §2.8.1), decided when ours completes (child_rekey).
  Boxed<RekeyExchange> peer_rekey;  // on the heap: rare, and 64 octets inline
  // Usable for a new rekey: not being deleted, rekeyed or already rekeying.
  bool can_rekey() const { return !deleting && !closing && !rekeyed && !rekeying && !hard_limit_reached; }
  // We are trying to close it (RFC 7296 §2.25.1): a peer's rekey of it gets TEMPORARY_FAILURE.
  bool being_closed() const { return deleting || closing || hard_limit_reached; }
  // RemoveChildSa::inbound_grace when it goes: its traffic moved on (a rekey,
  // or `replaced`: its IKE SA's reauthentication) or the peer stopped using
  // it, and its hard limit was not what ended it.
  bool inbound_grace(bool replaced) const {
    return !hard_limit_reached && (rekeyed || peer_deleted || replaced);
  }
};

// What an IKE SA keeps only for IKE_SA_INIT and IKE_AUTH (setup_state.h):
// about 0.3 KB inline plus the messages and nonces, none of it needed once
// the SA is established (docs/benchmarks.md "Memory per SA").
struct IkeSaSetup {
  std::unique_ptr<crypto::KeyExchange> ke;  // our private value until g^ir is computed
  Bytes nonce_i;                            // Ni
  Bytes nonce_r;                            // Nr
  // SK_pi/SK_pr for AUTH (§2.15), SK_e/SK_a (the SK ciphers hold their own
  // copies); SK_d is also in IkeSa::sk_d, which stays.
  std::optional<crypto::IkeSaKeys> keys;
  // The IKE_SA_INIT request and response as sent (RealMessage1/2, §2.15).
  Bytes init_request;
  Bytes init_response;
  // Signature authentication (tasks/ike_auth.h, signature_auth.h):
  // the hashes of the peer's N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4);
  // nullopt when it sent none (we then sign with a classic AUTH method).
  std::optional<std::vector<wire::HashAlgorithm>> peer_signature_hashes;
  // The SHA-1 SPKI hashes of the CAs the peer asked for in CERTREQ (§3.7).
  std::vector<Bytes> peer_ca_hashes;
  // The AUTH methods of IKE_AUTH, as describe_auth() says them (for the
  // ike_sa_established Event; tests).
  std::string our_auth_method;
  std::string peer_auth_method;
};

// What few IKE SAs ever hold, kept out of IkeSa so that the common one (an
// established IKE SA with a CHILD_SA, PSK, no MOBIKE) pays one pointer for it
// (docs/benchmarks.md "Memory per SA"). Reached through IkeSa::rare().
struct IkeSaRare {
  // MOBIKE (RFC 4555): the peer's other addresses (ADDITIONAL_IP4/6_ADDRESS;
  // empty after NO_ADDITIONAL_ADDRESSES), and the Message ID of the last
  // UPDATE_SA_ADDRESSES request we followed (§3.5: an older one that arrives
  // late changes nothing).
  std::vector<Address> peer_additional_addresses;
  std::optional<uint32_t> last_address_update;
  // Initiator behind a NAT: the peer's last NAT_DETECTION_DESTINATION_IP (the
  // hash of where it sees us), from an UPDATE_SA_ADDRESSES answer or a
  // liveness check's (§3.8, tasks/ike_dpd.h). Empty: not known on this path.
  Bytes nat_destination_seen;
  // Authenticated ESP came from here, not from `remote`: a liveness check
  // asks there before anything moves (nat_mapping.h).
  std::optional<Address> mapping_candidate;
  // After IKE_AUTH with certificates: when the peer's end-entity certificate
  // and ours expire (for an expiry watch), and the peer's subject.
  std::optional<crypto::WallTime> peer_cert_not_after;
  std::optional<crypto::WallTime> local_cert_not_after;
  std::string peer_cert_subject;
  // Initiator, until IKE_AUTH completes: the connection's children (by name)
  // this IKE SA is to make: the first in IKE_AUTH (child_create), each of the
  // others with its own CREATE_CHILD_SA afterwards (child_create_additional).
  // Set by the Endpoint: every child of the connection for `up CONN`, one for
  // `up CONN/CHILD`, the children that were up for a reauthentication.
  std::vector<std::string> children_to_create;
  // ESP SPIs the peer deleted that named no CHILD_SA of ours (the last few):
  // a Delete that overtook the answer to our rekey naming that SPI
  // (child_rekey then installs nothing; RFC 7296 §2.25.1).
  std::vector<uint32_t> unknown_spis_deleted;
  // Why the SA died (IkeSa::die).
  std::string death_reason;

  bool empty() const {
    return peer_additional_addresses.empty() && !last_address_update && nat_destination_seen.empty() &&
           !mapping_candidate && !peer_cert_not_after && !local_cert_not_after && peer_cert_subject.empty() &&
           children_to_create.empty() && unknown_spis_deleted.empty() && death_reason.empty();
  }
};

class IkeSa {
 public:
  IkeSa(IkeSaId id, Role role, std::shared_ptr<const ConnectionConfig> config, Address local, Address remote);

  const IkeSaId id;
  const Role role;  // original initiator or responder (the I flag, §3.1)
  IkeSaState state = IkeSaState::created;
  // (The flags are kept together, after the 1-octet members: no padding
  // between them; docs/benchmarks.md "Memory per SA".)
  // Our rekey of this IKE SA (tasks/ike_rekey.h) is queued or in flight.
  bool ike_rekeying = false;
  // Set with die() when an established SA's peer stopped answering (retransmit
  // budget spent): the Endpoint then applies the connection's dpd_action.
  bool peer_not_responding = false;
  // Started by dpd_action = restart: while the peer does not answer, the
  // connection is initiated again each time this SA gives up (reap).
  bool dpd_restart = false;
  // No answer to a request of ours within the retransmit budget (any state).
  bool gave_up = false;
  // The peer answered a request of ours with INVALID_IKE_SPI (peer_restart.cc), once.
  bool restart_suspected = false;
  // The Endpoint's bookkeeping: listed under peer_id in its index of peer identities.
  bool in_peer_id_index = false;
  // The connection this SA runs. A responder picks it by addresses at
  // IKE_SA_INIT and may switch to a better match by identities in IKE_AUTH
  // (connection_select.h), before anything of it is used for authentication.
  std::shared_ptr<const ConnectionConfig> config;

  Address local;
  Address remote;
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  OptionalTimestamp setup_deadline;  // destroyed if not established by then
  OptionalTimestamp established_at;  // when IKE_AUTH completed, or the rekey that made this SA
  // When the peer last proved its identity (IKE_AUTH): an IKE SA made by a
  // rekey inherits it, so reauth_time counts from the authentication.
  OptionalTimestamp authenticated_at;

  // Renewal (ike_lifetime.h): when to rekey, reauthenticate and give up.
  OptionalTimestamp rekey_at;
  OptionalTimestamp reauth_at;
  OptionalTimestamp expire_at;  // hard: deleted unless replaced first (over_time)
  // Reauthenticated: our Delete of it goes then (ike_renewal.cc, kReauthOverlap).
  OptionalTimestamp retire_at;
  // The SPI reserved for our side of the new IKE SA of our rekey
  // (ike_rekeying) while its
  // request is out (0: none); released if this SA dies before the answer.
  uint64_t rekey_spi = 0;
  // §2.8.2: the peer's rekey of this IKE SA that we answered while ours was
  // in flight; whichever completes last decides by the four nonces.
  struct PeerRekey {
    IkeSaId new_sa{};
    Bytes nonce_i, nonce_r;
  };
  Boxed<PeerRekey> peer_rekey;  // on the heap: rare, and 64 octets inline
  // Made by such a rekey of the peer's (the IKE SA it would replace): until
  // our own rekey of the old SA is answered it is not known whether this one
  // survives, so nothing of ours starts on it (no rekey, no reauthentication),
  // the peer's rekeys on it are answered TEMPORARY_FAILURE, and a Delete of a
  // CHILD_SA that arrives on it finds the CHILD_SAs still on the old one.
  OptionalIkeSaId replacement_pending;
  // The IKE SA that replaces this one: made by a rekey (state rekeyed), or
  // being set up by a reauthentication (this one stays established until
  // the successor is, then it is deleted: make-before-break).
  OptionalIkeSaId successor;
  // When the last authenticated message (request or response) came from the
  // peer: dead peer detection counts from here (liveness_deadline()).
  Timestamp last_received{};
  // When we last sent anything on it (request, response or retransmit): NAT
  // keepalives count from here (keepalive_deadline()).
  Timestamp last_sent{};

  // IKE_SA_INIT (ike_init)
  std::optional<crypto::IkeSuite> suite;
  std::optional<crypto::Prf> prf;
  // SK_d (§2.14): every CHILD_SA and IKE SA rekey derives from it (§2.17, §2.18).
  SecretBytes sk_d;
  std::unique_ptr<crypto::SkCipher> sk_out;  // SK_ei/SK_ai for the initiator, SK_er/SK_ar for the responder
  std::unique_ptr<crypto::SkCipher> sk_in;
  // What only IKE_SA_INIT and IKE_AUTH use: made on first use, freed once
  // the SA is established (release_setup_state, setup_state.h).
  IkeSaSetup& setup() {
    if (!setup_) setup_ = std::make_unique<IkeSaSetup>();
    return *setup_;
  }
  // Read-only: an SA without the block reads as one with an empty block.
  const IkeSaSetup& setup() const;
  bool holds_setup_state() const { return setup_ != nullptr; }
  void release_setup() { setup_.reset(); }
  // What few IKE SAs hold (MOBIKE, certificates, children still to make, ...):
  // rare() reads (an SA without the block reads as one with an empty block),
  // rare_mut() makes the block on first write, trim_rare() frees it when
  // everything in it is empty again.
  const IkeSaRare& rare() const;
  IkeSaRare& rare_mut() {
    if (!rare_) rare_ = std::make_unique<IkeSaRare>();
    return *rare_;
  }
  bool holds_rare_state() const { return rare_ != nullptr; }
  void trim_rare();

  // IKE_AUTH (ike_auth); its flags are below.
  std::optional<wire::IdPayload> peer_id;

  // NAT detection (ike_natd, §2.23)
  bool local_behind_nat = false;
  bool remote_behind_nat = false;
  bool nat_detected() const { return local_behind_nat || remote_behind_nat; }

  // IKE fragmentation (RFC 7383 §2.3): both ends sent
  // N(IKEV2_FRAGMENTATION_SUPPORTED) in IKE_SA_INIT. Then the peer's SKF
  // fragments are reassembled, and our big messages are fragmented when the
  // connection says fragmentation = yes. A rekeyed IKE SA inherits it.
  bool fragmentation = false;

  // MOBIKE (RFC 4555, tasks/ike_mobike.h): both ends sent N(MOBIKE_SUPPORTED)
  // in IKE_AUTH; a rekeyed IKE SA inherits it. Its state: rare().
  bool mobike = false;

  // IKE_AUTH (ike_auth)
  bool send_initial_contact = false;  // initiator: no other IKE SA with these identities (§2.4)
  bool initial_contact_received =
      false;  // the peer's IKE_AUTH carried INITIAL_CONTACT; the Endpoint acts on it
  // Initiator: we refused the responder's IKE_AUTH (identity, certificate or
  // AUTH); before the SA dies the responder is told with an INFORMATIONAL
  // N(AUTHENTICATION_FAILED) (§2.21.2; TaskManager::process_response).
  bool notify_authentication_failed = false;
  // The certificate-expiry watch fired for it (cert_expiry.cc): it is being
  // reauthenticated, and if that fails it is deleted, not kept.
  bool cert_expired = false;
  // The certificate and key we authenticated with (one of the connection's
  // credentials, credential_choice.h); kept by IKE rekeys.
  std::shared_ptr<const LocalCredential> local_credential;
  std::vector<ChildSa> children;
  // Is a CHILD_SA of this name installed and not being deleted or replaced?
  bool child_up(std::string_view name) const;
  TaskManager tasks;

  void die(std::string reason) {
    if (state != IkeSaState::dead) rare_mut().death_reason = std::move(reason);
    state = IkeSaState::dead;
  }
  // Why it died (die()); empty while it lives.
  const std::string& death_reason() const { return rare().death_reason; }

  bool is_initiator() const { return role == Role::initiator; }
  uint64_t my_spi() const { return is_initiator() ? spi_i : spi_r; }
  const Bytes& my_nonce() const { return is_initiator() ? setup().nonce_i : setup().nonce_r; }
  const Bytes& peer_nonce() const { return is_initiator() ? setup().nonce_r : setup().nonce_i; }
  const std::string& connection_name() const { return config->name; }
  ChildSa* find_child_by_spi_in(uint32_t spi);
  ChildSa* find_child_by_spi_out(uint32_t spi);
  // When a liveness check is due (dead peer detection, §1.4): established,
  // dpd_delay set, no exchange of ours under way, and nothing received for
  // dpd_delay. nullopt otherwise.
  std::optional<Timestamp> liveness_deadline() const;
  // When a NAT keepalive is due: only while a NAT is in front of us and the
  // SA is in use (established, or rekeyed and waiting for its Delete).
  std::optional<Timestamp> keepalive_deadline(Duration interval) const;
  // Why the peer's request to rekey it or add a CHILD_SA is refused while
  // retire_at is set (TEMPORARY_FAILURE): a reauthentication replaced it.
  std::string retiring_reason() const;

 private:
  std::unique_ptr<IkeSaSetup> setup_;
  std::unique_ptr<IkeSaRare> rare_;
};

}  // namespace tern::ike
