// SA payload proposals (RFC 7296 §2.7, §3.3): building ours from the config
// model, selecting as responder, checking the responder's choice as
// initiator, and explaining a mismatch in words.
//
// Who calls it: ike_init (IKE proposals) and child_create (ESP proposals).
// Nothing fails with an Error: "no match" is an empty optional, and
// explain_*_mismatch says why, naming each transform type that did not
// match and what each side offered (for the NO_PROPOSAL_CHOSEN Event).
//
// Selection (§2.7): the responder takes the initiator's proposals in order
// and picks the first one that contains every transform of one of its own
// configured suites; a transform type the suite does not use (INTEG with an
// AEAD cipher) must be absent from the proposal or offer NONE.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/suite.h"
#include "ike/connection_config.h"
#include "wire/sa_payload.h"

namespace tern::ike {

// One proposal per suite, numbered from 1, protocol IKE, no SPI (IKE_SA_INIT);
// consecutive suites that differ only in the KE group share one proposal.
std::vector<wire::Proposal> ike_proposals(std::span<const crypto::IkeSuite> suites);
wire::Proposal ike_proposal(const crypto::IkeSuite& suite, uint8_t number);
// The suites as offered inside IKE_AUTH, which has no KE (§1.2): PFS groups
// removed, duplicates dropped, order kept.
std::vector<EspSuite> without_pfs(std::span<const EspSuite> suites);
// A KE group as the strongSwan keyword an operator writes: "x25519",
// "ecp256", "modp2048" (for plain-words events).
std::string group_keyword(wire::KeGroup group);
// The two octets of N(INVALID_KE_PAYLOAD) naming `group` (§3.10.1).
Bytes group_bytes(wire::KeGroup group);
// One proposal per suite, protocol ESP, each carrying our inbound SPI.
std::vector<wire::Proposal> esp_proposals(std::span<const EspSuite> suites, uint32_t spi);
wire::Proposal esp_proposal(const EspSuite& suite, uint8_t number, uint32_t spi);

template <typename Suite>
struct Selection {
  Suite suite;         // our configured suite that matched
  uint8_t number = 1;  // the Proposal Num it had in the initiator's SA payload
  Bytes peer_spi;      // the proposal's SPI (ESP: the initiator's inbound SPI)
};

// Responder: the first of `offered` (initiator's order) that one of `ours` accepts.
std::optional<Selection<crypto::IkeSuite>> select_ike_proposal(std::span<const wire::Proposal> offered,
                                                               std::span<const crypto::IkeSuite> ours);
std::optional<Selection<EspSuite>> select_esp_proposal(std::span<const wire::Proposal> offered,
                                                       std::span<const EspSuite> ours);

// Initiator: the responder's answer must be exactly one proposal with one
// transform per type, equal to one of the suites we offered.
std::optional<Selection<crypto::IkeSuite>> check_ike_answer(const wire::SaPayload& answer,
                                                            std::span<const crypto::IkeSuite> ours);
std::optional<Selection<EspSuite>> check_esp_answer(const wire::SaPayload& answer,
                                                    std::span<const EspSuite> ours);

// "KE: peer offered MODP_2048; we accept CURVE25519, ECP_256" — one clause per
// transform type with no common value, or, when each type has one, a note that
// no single proposal combines them.
std::string explain_ike_mismatch(std::span<const wire::Proposal> offered,
                                 std::span<const crypto::IkeSuite> ours);
std::string explain_esp_mismatch(std::span<const wire::Proposal> offered, std::span<const EspSuite> ours);

}  // namespace tern::ike
