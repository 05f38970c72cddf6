// The immutable configuration model the engine runs on: one ConnectionConfig
// per [[connection]] (with its children), and the Endpoint-wide settings.
//
// Who makes it: config/ will produce it from the TOML file (DESIGN.md);
// tests build it by hand. The Endpoint keeps it as shared_ptr<const ...>: an
// IKE SA holds the connection it was made for, so a later reload cannot
// change an SA under its feet. Nothing here fails: validation (non-empty
// proposal lists, supported algorithms, sane retransmit values) is config/'s job.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/secret_bytes.h"
#include "base/time.h"
#include "crypto/signature_key.h"
#include "crypto/suite.h"
#include "crypto/trust_store.h"
#include "crypto/x509_certificate.h"
#include "ike/address.h"
#include "ike/fragment_reassembly.h"
#include "wire/iana.h"
#include "wire/id_payload.h"
#include "wire/ts_payload.h"

namespace tern::ike {

// One ESP transform set (RFC 7296 §3.3.2: ENCR, INTEG for non-AEAD, ESN,
// and KE when the child wants Perfect Forward Secrecy on rekeying). The KE
// group is offered only in CREATE_CHILD_SA (§1.3.1); the first CHILD_SA,
// made inside IKE_AUTH, has no KE exchange, so its proposals leave it out
// (ike/proposal.h without_pfs).
struct EspSuite {
  wire::EncrId encr = wire::EncrId::AES_GCM_16;
  uint16_t encr_key_bits = 128;
  wire::IntegId integ = wire::IntegId::NONE;  // NONE for AEAD
  wire::EsnId esn = wire::EsnId::NO_ESN;
  wire::KeGroup ke = wire::KeGroup::NONE;  // PFS group for CREATE_CHILD_SA; NONE: no PFS

  // "AES_GCM_16_128/NO_ESN", "AES_CBC_256/HMAC_SHA2_256_128/NO_ESN",
  // "AES_GCM_16_128/NO_ESN/CURVE25519" (with a PFS group)
  std::string to_string() const;
  friend bool operator==(const EspSuite&, const EspSuite&) = default;
};

// An IKE identity (RFC 7296 §3.5). `any` is swanctl's "%any": matches every
// remote identity (only meaningful as a remote id).
struct Identity {
  wire::IdType type = wire::IdType::ID_FQDN;
  Bytes data;
  bool any = false;

  static Identity fqdn(std::string_view name);
  static Identity rfc822(std::string_view address);
  static Identity ipv4(const std::array<uint8_t, 4>& octets);
  static Identity ipv6(const std::array<uint8_t, 16>& octets);
  static Identity key_id(ByteView opaque);  // ID_KEY_ID: vendor-specific octets (§3.5)
  static Identity dn(ByteView der);         // ID_DER_ASN1_DN: a DER Name (crypto/distinguished_name.h)
  static Identity match_any();

  wire::IdPayload payload() const { return {type, data}; }
  // Same type and data; DNs compare in OpenSSL's canonical form (X509_NAME_cmp).
  bool matches(const wire::IdPayload& received) const;
  // "fqdn:vpn.example.org", "%any", "C=CH, O=tern, CN=a.example.org"
  std::string to_string() const;
};

// A received identity for logs: as wire::IdPayload::to_string, but a DN as text.
std::string id_text(const wire::IdPayload& id);

// How one side proves its identity in IKE_AUTH (RFC 7296 §2.15): a shared
// key (AUTH method 2) or a signature with a certificate's key (methods 1,
// 9-11, 14; tasks/ike_auth.h). Each side has its own (swanctl local/remote auth).
enum class AuthKind : uint8_t { psk, pubkey };
std::string_view to_string(AuthKind kind);

// Our certificate and private key (auth = "pubkey" on the local side),
// loaded by config/ and shared read-only by every IKE SA of the connection.
struct LocalCredential {
  crypto::PrivateKey key;
  std::vector<crypto::Certificate> chain;  // end entity first, then the intermediates we send
  std::string cert_file;                   // where they came from, for logs and listings
  std::string key_file;
};

enum class ChildMode : uint8_t { tunnel, transport };

// What to do when dead peer detection (or any unanswered request on an
// established IKE SA) finds the peer gone (swanctl.conf dpd_action).
//   clear    remove the IKE SA and its CHILD_SAs, nothing more
//   restart  remove them and initiate the connection again (a new IKE SA)
//   trap     remove them and record (Event dpd_action) that the data plane
//            should trap the children's traffic and re-initiate on demand
enum class DpdAction : uint8_t { clear, restart, trap };
std::string_view to_string(DpdAction action);

// Lifetimes of a CHILD_SA (swanctl.conf rekey_time, rand_time, rekey_bytes,
// life_bytes, rekey_packets, life_packets). Volume: each direction of the
// pair counts its own payload octets and packets; 0 means no such limit.
// Soft (rekey_*): the engine rekeys the CHILD_SA (tasks/child_rekey.h).
// Hard (life_*): the engine deletes it (INFORMATIONAL D(ESP)). The data plane
// watches the volume limits (esp/child_watch.h) and reports ChildLimitReached
// (ike/dataplane_event.h). Time: the engine rekeys rekey_time after the
// CHILD_SA was installed, minus a random jitter of up to rand_time (so that
// both peers do not start at once); zero rekey_time: no rekey by time.
// life_time is the hard limit by time: the CHILD_SA is deleted this long
// after it was installed if no rekey replaced it first; zero: none.
struct ChildLimits {
  uint64_t rekey_bytes = 0;
  uint64_t life_bytes = 0;
  uint64_t rekey_packets = 0;
  uint64_t life_packets = 0;
  Duration rekey_time{0};
  Duration life_time{0};
  Duration rand_time{0};
  friend bool operator==(const ChildLimits&, const ChildLimits&) = default;
};

// Lifetimes of an IKE SA (swanctl.conf rekey_time, reauth_time, rand_time,
// over_time), counted from its establishment. rekey_time: rekey it with
// CREATE_CHILD_SA (RFC 7296 §1.3.2, new SPIs and keys, same authentication;
// the CHILD_SAs move to the new IKE SA). reauth_time: reauthenticate, make
// before break (a new IKE SA and CHILD_SAs of the connection, then the old
// IKE SA is deleted). Either is reduced by a random jitter of up to
// rand_time. over_time: the hard limit, how long after the earlier of the two
// an IKE SA that was not replaced is deleted. Zero: never (the engine's
// defaults; config/ sets swanctl.conf-like defaults).
struct IkeLifetimes {
  Duration rekey_time{0};
  Duration reauth_time{0};
  Duration rand_time{0};
  Duration over_time{0};
  friend bool operator==(const IkeLifetimes&, const IkeLifetimes&) = default;
};

// Retransmission of our requests (RFC 7296 §2.1): the first retransmit after
// `timeout`, each next one `base` times later, `tries` retransmits; after the
// last one the SA waits one more interval and is destroyed ("peer not responding").
struct RetransmitConfig {
  Duration timeout = seconds(4);
  double base = 1.8;
  uint32_t tries = 5;
};

// IKE message fragmentation (RFC 7383; swanctl.conf `fragmentation`):
//   no      not announced; a peer's fragments are dropped, big messages go
//           whole (the kernel fragments them at the IP layer)
//   accept  announced, so the peer may send fragments (we reassemble), but
//           our own messages go whole
//   yes     announced; once both ends announced it, our encrypted messages
//           bigger than EndpointConfig::fragment_size go as SKF fragments
enum class Fragmentation : uint8_t { no, accept, yes };
std::string_view to_string(Fragmentation fragmentation);

// One CHILD_SA of a connection ([[connection.child]]): its name (ternctl up
// CONN/CHILD), ESP proposals in preference order, traffic selectors, mode
// and lifetimes.
struct ChildConfig {
  std::string name = "child";
  std::vector<EspSuite> esp_proposals;  // preference order
  std::vector<wire::TrafficSelector> local_ts;
  std::vector<wire::TrafficSelector> remote_ts;
  ChildMode mode = ChildMode::tunnel;
  ChildLimits limits;
};

struct ConnectionConfig {
  std::string name;
  Address local;   // our address and IKE port (500)
  Address remote;  // the peer's; the responder matches connections by both IPs
  // remote_addrs = ["ADDRESS/LENGTH"]: `remote` is a network and the
  // connection answers any peer in it (responder only: it never initiates).
  std::optional<uint8_t> remote_prefix;
  bool responder_only() const { return remote_prefix.has_value(); }
  std::vector<crypto::IkeSuite> proposals;  // preference order
  Identity local_id;
  Identity remote_id;
  SecretBytes psk;  // when either side authenticates with a PSK
  AuthKind local_auth = AuthKind::psk;
  AuthKind remote_auth = AuthKind::psk;
  // Set when local_auth is pubkey: one or more certificates with their keys,
  // the first the default; each IKE SA signs with the one the peer's CERTREQ
  // asks for (credential_choice.h).
  std::vector<std::shared_ptr<const LocalCredential>> credentials;
  std::shared_ptr<const crypto::TrustStore> trust;  // set when remote_auth is pubkey: cacerts and crls
  // Announce N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4) in IKE_SA_INIT when a
  // side uses pubkey. Tests turn it off to play an RFC 7296-only peer, which
  // makes both ends fall back to the classic AUTH methods.
  bool announce_signature_hashes = true;
  // MOBIKE (RFC 4555, tasks/ike_mobike.h): announce N(MOBIKE_SUPPORTED) in
  // IKE_AUTH; when both ends did, the IKE SA and its CHILD_SAs move to new
  // addresses with UPDATE_SA_ADDRESSES instead of being set up again.
  bool mobike = true;
  // Send INITIAL_CONTACT (§2.4) on the first IKE SA between these identities.
  // tern-load turns it off: its many IKE SAs share one pair of identities,
  // and each would make the responder delete the others.
  bool initial_contact = true;
  bool force_encap = false;  // fake a NAT (§2.23 NAT_DETECTION_SOURCE_IP) to force UDP encapsulation
  RetransmitConfig retransmit;
  // Dead peer detection (§1.4): when nothing authenticated has come from the
  // peer for dpd_delay, send a liveness check (an empty INFORMATIONAL); zero: off.
  Duration dpd_delay{0};
  DpdAction dpd_action = DpdAction::clear;
  // Our IKE window (§2.3): how many of the peer's requests we accept at once,
  // announced with N(SET_WINDOW_SIZE) in IKE_AUTH; 1: not announced. Default
  // 4: enough for a DPD, a Delete and rekeys of a few CHILD_SAs to overlap,
  // while the response cache it costs stays at 4 messages per IKE SA. Peers
  // that announce nothing (strongSwan, libreswan, OpenIKED) send one request
  // at a time anyway, and we send them one at a time too.
  uint32_t window_size = 4;
  Fragmentation fragmentation = Fragmentation::yes;
  IkeLifetimes ike_lifetimes;

  // The connection's CHILD_SAs, in configuration order; never empty. An
  // initiator makes the first in IKE_AUTH and each further one with its own
  // CREATE_CHILD_SA (RFC 7296 §1.3.1, tasks/child_create_additional.h).
  std::vector<ChildConfig> children{ChildConfig{}};

  // The child named `name`; nullptr when the connection has none of that name.
  const ChildConfig* find_child(std::string_view name) const;
  // The child a CHILD_SA of this name runs with: find_child(name), or the
  // first child when the name is unknown (never for SAs this config made).
  const ChildConfig& child_or_first(std::string_view name) const;
};

struct EndpointConfig {
  std::vector<std::shared_ptr<const ConnectionConfig>> connections;
  uint16_t natt_port = 4500;  // where both ends float when a NAT is detected (§2.23)
  // RFC 3948 §2.3 / RFC 7296 §2.23: while a NAT is in front of us, a lone
  // 0xFF octet goes to the peer's NAT-T port when we have sent nothing on the
  // IKE SA for this long, so that the NAT keeps its mapping (strongSwan's
  // charon.keep_alive, also 20 s). Zero: never.
  Duration nat_keepalive = seconds(20);
  // A responder's IKE SA that is not established this long after its
  // IKE_SA_INIT is destroyed ("IKE SA setup timed out").
  Duration half_open_timeout = seconds(30);
  // §1.5 / §2.21.4: a request with an IKE SPI we do not know (other than
  // IKE_SA_INIT) may be answered, unprotected, with N(INVALID_IKE_SPI). It can
  // be forged and costs us a datagram, so at most this many answers go out per
  // second (Endpoint-wide); the rest are dropped and counted. Zero: never answer.
  uint32_t invalid_ike_spi_per_second = 10;

  // Cookies (§2.6, ike/cookie.h): while at least `cookie_threshold` responder
  // IKE SAs are half-open (IKE_SA_INIT seen, not yet authenticated), or at
  // least `cookie_threshold_ip` of them came from the requesting IP address, a
  // new IKE_SA_INIT without a valid N(COOKIE) gets a stateless HDR, N(COOKIE)
  // answer. The defaults are strongSwan's (charon.cookie_threshold = 30,
  // cookie_threshold_ip = 3): a cookie costs a legitimate initiator one round
  // trip and no failure, so a low threshold is cheap, while a forged-source
  // flood creates no state at all once it is reached. Zero: cookies always.
  uint32_t cookie_threshold = 30;
  uint32_t cookie_threshold_ip = 3;
  // The cookie secret rotates every `cookie_secret_lifetime` while cookies are
  // being handed out; cookies made with the previous secret are accepted for
  // `cookie_secret_grace` after the rotation (an initiator's round trip, with
  // retransmits, fits well inside it).
  Duration cookie_secret_lifetime = seconds(120);
  Duration cookie_secret_grace = seconds(30);

  // IKE fragmentation (RFC 7383, docs/fragmentation.md). fragment_size: the
  // largest IP datagram (IP and UDP headers and any non-ESP marker included)
  // one of our IKE messages may make; an encrypted message that would be
  // bigger goes as SKF fragments that each fit, when fragmentation was
  // negotiated. 1280, as strongSwan's charon.fragment_size: the IPv6 minimum
  // MTU, which IPv4 paths carry nearly everywhere too (RFC 7383 §2.5.1
  // recommends 576 for IPv4 when nothing is known about the path; set it
  // for such paths).
  uint32_t fragment_size = 1280;
  // Reassembly of the peer's fragments (fragment_reassembly.h): at most
  // max_fragments fragments and max_reassembled_size octets of inner payloads
  // per message; an incomplete message is dropped reassembly_timeout after
  // its first fragment (docs/fragmentation.md says why these values).
  FragmentLimits reassembly{};

  // Sharding (ternd's workers, docs/architecture.md "Workers"): this Endpoint
  // is shard `shard_index` of `shard_count`. With more than one shard, every
  // IKE SPI it allocates carries shard_index in its most significant octet
  // (ike/shard_spi.h), so that the daemon finds the Endpoint a datagram
  // belongs to by our SPI alone, and its IkeSaIds are shard_index + 1,
  // + shard_count, ... so that they are unique across the shards. One shard
  // (the default): SPIs are random in all 64 bits, IkeSaIds 1, 2, 3, ...
  uint32_t shard_index = 0;
  uint32_t shard_count = 1;

  // Whether each new IKE SA's keys come out as a Keylog effect (the
  // Wireshark decryption table line). Off when nothing writes them (ternd
  // without daemon.keylog, tern-load): the line is hex of every SK key, some
  // 2 µs per SA that nobody reads.
  bool keylog = true;
};

}  // namespace tern::ike
