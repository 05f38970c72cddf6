// Named counters for every drop and teardown path of an Endpoint, for
// `ternctl stats` and tests (STYLE.md #10). Plain data, incremented by the
// Endpoint and the task manager.
#pragma once

#include <cstdint>

namespace tern::ike {

struct EndpointCounters {
  uint64_t datagrams_received = 0;
  uint64_t dropped_malformed = 0;             // parse_message failed, bad non-ESP marker
  uint64_t dropped_no_sa = 0;                 // no IKE SA for the SPIs
  uint64_t dropped_no_connection = 0;         // IKE_SA_INIT from an address no connection names
  uint64_t dropped_bad_message_id = 0;        // outside the window, or a response we did not ask for
  uint64_t dropped_undecodable = 0;           // SK open (ICV) or payload rules failed
  uint64_t dropped_retransmit_mismatch = 0;   // old Message ID but not byte-identical to the cached request
  uint64_t dropped_no_sa_response = 0;        // of dropped_no_sa: responses (never answered, §2.21.4)
  uint64_t invalid_ike_spi_sent = 0;          // unknown-SPI requests answered with N(INVALID_IKE_SPI) (§1.5)
  uint64_t invalid_ike_spi_rate_limited = 0;  // unknown-SPI requests not answered: over the rate limit
  uint64_t invalid_major_version_sent = 0;    // requests of IKE version 3+ answered N(INVALID_MAJOR_VERSION)
  uint64_t unsupported_critical_payload_sent = 0;  // IKE_SA_INIT with an unknown critical payload, answered
  uint64_t error_answers_rate_limited = 0;  // those two not answered: over the INVALID_IKE_SPI rate limit
  uint64_t cookies_sent = 0;      // IKE_SA_INIT answered statelessly with N(COOKIE) (§2.6), no state kept
  uint64_t cookies_accepted = 0;  // IKE_SA_INIT with a valid cookie while cookies were required
  uint64_t cookies_rejected = 0;  // IKE_SA_INIT with a forged or stale cookie (answered with a fresh one)
  uint64_t cookie_retries = 0;    // initiator: IKE_SA_INIT repeated with the responder's cookie
  uint64_t cookies_withheld = 0;  // IKE_SA_INIT smaller than the cookie answer would be: dropped unanswered
  // Floods (docs/ternd.md "Floods"): what an IKE_SA_INIT costs before its source is known to be real.
  uint64_t responder_ike_sas_created = 0;  // half-open IKE SAs made for IKE_SA_INIT requests (state kept)
  uint64_t dh_computations = 0;  // Diffie-Hellman/ECDH shared secrets computed (IKE_SA_INIT, rekeys, PFS)
  // Datagrams from sources not (yet) shown to receive what we send there: IKE_SA_INIT requests
  // without a valid cookie (and their retransmits), messages for no IKE SA, unparsable ones.
  // sent counts every octet we answered them with; it must never exceed received (no amplification).
  uint64_t unverified_answers_withheld = 0;  // other answers larger than the unverified datagram: not sent
  uint64_t unverified_octets_received = 0;
  uint64_t unverified_octets_sent = 0;
  uint64_t ike_sa_init_refused =
      0;  // IKE_SA_INIT answered with an error: NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD,
          // INVALID_SYNTAX (a key exchange value we refuse); no IKE SA kept
  uint64_t malformed_requests_answered = 0;     // authentic requests, bad inner payloads: N(INVALID_SYNTAX)
  uint64_t dropped_request_in_wrong_state = 0;  // e.g. IKE_AUTH twice, INFORMATIONAL before IKE_AUTH
  uint64_t create_child_sa_refused =
      0;  // the peer's CREATE_CHILD_SA for a new CHILD_SA answered with an error
  // Additional CHILD_SAs (tasks/child_create_additional.h, RFC 7296 §1.3.1)
  uint64_t child_sas_additional_created = 0;  // ours that installed a new CHILD_SA
  uint64_t child_sas_additional_failed = 0;   // ours the peer refused or answered unusably: nothing installed
  uint64_t child_sas_additional_answered = 0;  // the peer's that we answered with a new CHILD_SA
  uint64_t invalid_spi_reported = 0;           // N(INVALID_SPI) received: the peer drops our ESP to an SPI
  uint64_t delete_unknown_spi = 0;             // D(ESP) naming an SPI we have no CHILD_SA for (ignored)
  uint64_t liveness_checks_sent = 0;           // DPD: empty INFORMATIONAL requests
  uint64_t peers_not_responding = 0;           // established IKE SAs whose peer stopped answering
  uint64_t initial_contact_replaced = 0;       // old IKE SAs deleted because of INITIAL_CONTACT
  uint64_t retransmits_sent = 0;
  uint64_t cached_responses_sent = 0;
  uint64_t ike_sas_established = 0;
  // IKE_AUTH refused (either end): wrong PSK, certificate chain, identity or
  // signature; the reason is in the authentication_failed event.
  uint64_t authentication_failures = 0;
  uint64_t ike_sas_destroyed = 0;
  uint64_t child_sas_installed = 0;
  uint64_t child_sas_removed = 0;
  uint64_t child_soft_limits = 0;  // CHILD_SAs at rekey_bytes/rekey_packets/nearly all sequence numbers
  uint64_t child_hard_limits =
      0;  // CHILD_SAs deleted at life_time/life_bytes/life_packets/all sequence numbers used
  // CHILD_SA rekeying (tasks/child_rekey.h)
  uint64_t child_rekeys_started = 0;    // our CREATE_CHILD_SA rekey requests (a retry counts once)
  uint64_t child_rekeys_completed = 0;  // ours that installed the new CHILD_SA
  uint64_t child_rekeys_failed = 0;     // ours the peer refused or answered unusably: the old child stays
  uint64_t child_rekeys_answered = 0;   // the peer's that we answered with a new CHILD_SA
  uint64_t child_rekeys_refused = 0;    // the peer's that we answered with an error notify
  uint64_t child_rekeys_postponed =
      0;  // of failed: the peer answered TEMPORARY_FAILURE; retried 2-10 s later
  uint64_t child_rekeys_refused_closing = 0;  // of refused: the peer's for a child we are deleting (§2.25.1)
  uint64_t child_rekey_collisions = 0;  // both ends rekeyed one CHILD_SA at once: decided on nonces (§2.8.1)
  uint64_t child_rekey_collisions_lost = 0;  // of those, ours had the lowest nonce: we deleted our new pair
  // IKE SA rekeying (tasks/ike_rekey.h) and reauthentication (ike_renewal.cc)
  uint64_t ike_rekeys_started = 0;     // our CREATE_CHILD_SA rekeys of an IKE SA (a retry counts once)
  uint64_t ike_rekeys_completed = 0;   // ours that made the new IKE SA
  uint64_t ike_rekeys_failed = 0;      // ours the peer refused or answered unusably: the old IKE SA stays
  uint64_t ike_rekeys_answered = 0;    // the peer's that we answered with a new IKE SA
  uint64_t ike_rekeys_refused = 0;     // the peer's that we answered with an error notify
  uint64_t ike_rekey_collisions = 0;   // simultaneous rekeys of one IKE SA settled by the nonces (§2.8.2)
  uint64_t ike_reauths_started = 0;    // new IKE SAs started to replace an established one
  uint64_t ike_reauths_completed = 0;  // of those, established (the old one then deleted)
  uint64_t ike_sas_expired = 0;        // IKE SAs deleted at their hard lifetime (not replaced in time)
  uint64_t ike_sas_cert_expired = 0;   // IKE SAs up when their peer's or our certificate expired
  uint64_t cert_expiry_reauths = 0;    // of those: reauthenticated (the peer may have a fresh one)
  uint64_t cert_expiry_deletes = 0;    // deleted: our certificate expired, or the reauthentication failed
  uint64_t nat_keepalives_sent = 0;    // lone 0xFF octets sent from behind a NAT (RFC 3948 §2.3)
  // NAT mapping changes (nat_mapping.h, RFC 7296 §2.23)
  uint64_t nat_mapping_changes = 0;  // IKE SAs (and their CHILD_SAs) moved to the peer's new address/port
  uint64_t esp_source_changes = 0;   // ESP from a new peer address: a liveness check asked there
  uint64_t esp_source_changes_ignored = 0;  // the same, where we do not follow (we are behind a NAT, or none)
  uint64_t nat_mapping_updates_sent = 0;    // MOBIKE, behind a NAT: a liveness check showed a new mapping,
                                            // UPDATE_SA_ADDRESSES queued (RFC 4555 §3.8)
  // Peers that lost their state (dpd_action restart, INVALID_IKE_SPI / INVALID_SPI answers)
  uint64_t dpd_restarts = 0;             // new IKE SAs started by dpd_action = restart (retries included)
  uint64_t peer_restarts_suspected = 0;  // INVALID_IKE_SPI answers to our requests, INVALID_SPI for a child
  // PFS disagreement (pfs_diagnosis.h)
  uint64_t child_rekeys_failed_pfs = 0;         // of child_rekeys_failed: the peer refused over the PFS group
  uint64_t child_pfs_mismatches_predicted = 0;  // children made whose peer lists PFS groups none of ours
  uint64_t peer_rekeys_refused_pfs = 0;         // of child_rekeys_refused: the peer's PFS groups, none ours
  // IKE fragmentation (RFC 7383; fragment_reassembly.h)
  uint64_t ike_messages_fragmented = 0;  // our messages sent as SKF fragments (once each, not per retransmit)
  uint64_t ike_fragments_sent = 0;       // SKF datagrams sent, retransmits and cached answers included
  uint64_t ike_fragments_received = 0;   // SKF datagrams for one of our IKE SAs, before any check
  uint64_t ike_fragments_accepted = 0;   // of those: authentic, new, and kept for reassembly
  uint64_t ike_fragments_duplicate = 0;  // authentic fragments we already had (ignored)
  uint64_t ike_fragments_invalid = 0;    // failed the integrity check (forged or corrupted): dropped
  uint64_t ike_fragments_unexpected = 0;  // fragmentation not negotiated, or Message ID not expected
  uint64_t ike_fragments_ignored = 0;     // of an answered request, not fragment 1 (RFC 7383 §2.6.1)
  uint64_t ike_messages_reassembled = 0;  // complete messages, processed like an SK message
  uint64_t ike_reassembly_dropped = 0;    // incomplete sets dropped: limits, expiry, Total Fragments changed
  // MOBIKE (RFC 4555; tasks/mobike_update.h)
  uint64_t mobike_updates_sent = 0;       // our UPDATE_SA_ADDRESSES requests (initiator)
  uint64_t mobike_updates_completed = 0;  // ours answered: the IKE SA and CHILD_SAs moved
  uint64_t mobike_updates_failed = 0;     // ours refused (UNEXPECTED_NAT_DETECTED) or with a bad COOKIE2 echo
  uint64_t mobike_updates_followed = 0;   // the peer's that moved the IKE SA (responder)
  uint64_t mobike_updates_refused = 0;    // the peer's answered UNEXPECTED_NAT_DETECTED (NO_NATS_ALLOWED)
  uint64_t mobike_updates_ignored = 0;    // the peer's without MOBIKE negotiated, or older than one followed
};

}  // namespace tern::ike
