// What the engine asks the world to do: the effects an Endpoint produces
// while it handles one input (on_datagram, on_timer, command), drained by the
// caller with Endpoint::take_effects() after each input, in order.
//
//   Send            a datagram for io/ to send from `local` to `remote` (on the
//                   NAT-T port the caller adds nothing: the non-ESP marker is
//                   already in `bytes`)
//   InstallChildSa  an ESP SA pair for the data plane (keys in SecretBytes)
//   RemoveChildSa   remove an ESP SA pair, with the reason
//   UpdateChildSa   an installed ESP SA pair now runs between other addresses
//                   (the peer's NAT mapping changed: RFC 7296 §2.23; MOBIKE, RFC 4555)
//   Event           a human-readable record for logs and the control socket
//   Keylog          one Wireshark ikev2_decryption_table line (see crypto/keylog.h)
//   InitialContactReceived  (sharded Endpoints only) the peer's INITIAL_CONTACT
//                   reached this shard: the other shards drop their older IKE SAs
//                   between the same identities (Endpoint::drop_sas_of_peer)
//
// Plain data; nothing here fails.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/time.h"
#include "ike/address.h"
#include "ike/connection_config.h"
#include "wire/id_payload.h"
#include "wire/ts_payload.h"

namespace tern::ike {

// Names an IKE SA in the Endpoint's table across calls (never a pointer).
enum class IkeSaId : uint64_t {};

struct Send {
  Address local;
  Address remote;
  Bytes bytes;
};

struct InstallChildSa {
  IkeSaId ike_sa{};
  std::string connection;
  std::string child;
  uint32_t spi_in = 0;   // ours: the peer sends to it
  uint32_t spi_out = 0;  // the peer's: we send to it
  EspSuite suite;
  SecretBytes encr_in, integ_in;    // protect traffic the peer sends us
  SecretBytes encr_out, integ_out;  // protect traffic we send
  std::vector<wire::TrafficSelector> local_ts;
  std::vector<wire::TrafficSelector> remote_ts;
  ChildMode mode = ChildMode::tunnel;
  bool encap = false;  // UDP encapsulation (RFC 3948) between local and remote
  Address local;
  Address remote;
  ChildLimits limits;  // volume lifetimes for the data plane to watch (connection_config.h)
  // The responder of a CHILD_SA rekey: the new inbound SA is used at once, the
  // new outbound one only once ESP arrived on the new inbound SA (the
  // initiator has the pair then) or the replaced CHILD_SA is removed. The
  // initiator installs its inbound SA only when it reads our answer, so
  // sending on the new pair earlier would lose packets (RFC 7296 §2.8:
  // make-before-break).
  bool defer_outbound = false;
};

struct RemoveChildSa {
  IkeSaId ike_sa{};
  std::string connection;
  std::string child;
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  std::string reason;
  // Its traffic moved to a successor (a rekey, a reauthentication) or the
  // peer deleted it: ESP the peer sent on it before it switched may still be
  // on its way, or queued behind the IKE message on another socket. The data
  // plane keeps accepting it on the inbound SA for a short while
  // (esp::SaTable::retire); the outbound half goes at once. Never set for a
  // CHILD_SA past its hard lifetime limit (RFC 4301 §4.4.2.1).
  bool inbound_grace = false;
};

// An installed CHILD_SA's outer addresses changed: from now on its ESP goes
// from `local` to `remote` (UDP-encapsulated when `encap`), and ESP from
// `remote` is the peer's. Made when an authenticated IKE message showed that
// the NAT in front of the peer mapped it anew (RFC 7296 §2.23, nat_mapping.h),
// and when MOBIKE moved the IKE SA (RFC 4555, tasks/mobike_update.h).
struct UpdateChildSa {
  IkeSaId ike_sa{};
  std::string connection;
  std::string child;
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  Address local;
  Address remote;
  bool encap = false;
};

enum class EventKind : uint8_t {
  ike_sa_established,
  ike_sa_destroyed,  // text: the reason ("peer not responding", "deleted by peer", ...)
  child_sa_installed,
  child_sa_removed,
  child_sa_failed,    // the IKE SA lives on without this child (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN)
  proposal_mismatch,  // text: which transform types did not match and what each side offered
  authentication_failed,
  invalid_ke_retry,  // text: the group the responder asked for
  retransmit,
  message_dropped,       // text: why (unparseable, unknown SPI, bad ICV, unexpected message ID, ...)
  dpd_action,            // the peer stopped answering; text: the dpd_action taken (clear, restart, trap)
  invalid_spi_reported,  // the peer sent N(INVALID_SPI): it drops ESP we send to that SPI
  child_sa_limit,        // a CHILD_SA reached a soft or hard lifetime limit (dataplane_event.h); text: which
  child_sa_rekey_started,    // we start rekeying a CHILD_SA; text: which, and why (command, rekey_time, soft
                             // limit)
  child_sa_rekey_failed,     // our rekey of a CHILD_SA did not happen; the old one stays. text: why, in words
  child_sa_rekey_collision,  // both ends rekeyed one CHILD_SA (RFC 7296 §2.8.1), or a rekey met a Delete
                             // (§2.25.1); text: what happened and which pair stays
  ike_sa_rekey_started,      // we start rekeying an IKE SA; text: why (command, rekey_time)
  ike_sa_rekeyed,            // an IKE SA was replaced by a rekey (§2.18); text: the new SA and SPIs
  ike_sa_rekey_failed,       // our rekey of an IKE SA did not happen; the old one stays. text: why
  ike_sa_reauth,             // reauthentication started, completed or failed; text: which and why
  pfs_mismatch,         // the peer's PFS groups share none with ours (pfs_diagnosis.h): seen in its IKE_AUTH
                        // proposals or in a rekey of its we refused; once per child. text: both sides' groups
  certificate_note,     // IKE_AUTH went on, but something about certificates is worth a look (e.g. the
                        // peer's CERTREQ names none of our CAs). text: what
  nat_mapping_changed,  // the peer's NAT mapping changed (RFC 7296 §2.23): its IKE SA and CHILD_SAs moved, or
                        // ESP came from a new address and a liveness check asks there; text: from, to
  peer_restart_suspected,  // an answer or INVALID_SPI suggests the peer lost our SAs; text: what is done
  certificate_expired,     // the peer's or our certificate of an established IKE SA expired
                           // (cert_expiry.cc); text: which, when, and what is done (reauth or delete)
  ike_sa_moved,            // MOBIKE (RFC 4555): an IKE SA and its CHILD_SAs moved to new addresses, or a
                           // move was started, refused or failed; text: which addresses and why
};
std::string_view to_string(EventKind kind);

struct Event {
  EventKind kind = EventKind::message_dropped;
  IkeSaId ike_sa{};  // 0 when no SA is involved
  std::string connection;
  std::string text;
};

struct Keylog {
  std::string line;  // without the newline
};

// Made only by a sharded Endpoint (EndpointConfig::shard_count > 1, ternd's
// workers): IKE SA `ike_sa`, established at `established_at`, was
// authenticated with N(INITIAL_CONTACT) (RFC 7296 §2.4). This shard has
// deleted its other IKE SAs between `local_id` (ours) and `peer_id`; those
// on other shards are the caller's to hand to each other shard's
// Endpoint::drop_sas_of_peer, which deletes the ones established no later.
struct InitialContactReceived {
  IkeSaId ike_sa{};
  std::string connection;
  wire::IdPayload local_id;
  wire::IdPayload peer_id;
  Timestamp established_at{};
};

using Effect =
    std::variant<Send, InstallChildSa, RemoveChildSa, UpdateChildSa, Event, Keylog, InitialContactReceived>;

}  // namespace tern::ike
