// PFS disagreement between peers, in plain words (issue 6: "the tunnel never
// flaps silently"). The CHILD_SA made in IKE_AUTH has no Diffie-Hellman
// exchange (RFC 7296 §1.2), so two peers whose ESP proposals name different
// PFS groups (or one wants PFS and the other not) agree at first and fail at
// the first rekey (CREATE_CHILD_SA, §1.3.3), every rekey_time, until the
// child's hard lifetime deletes it: short regular outages nobody notices.
//
// At establishment (predict_pfs_mismatch): RFC 7296 §1.2 says the SA
// payloads of IKE_AUTH cannot name a group other than NONE and SHOULD leave
// the KE transform out, so most peers (strongSwan 5.9 and tern itself) reveal
// nothing there. A peer that does list its groups in the IKE_AUTH proposals
// tells us its PFS configuration, and when no group of its is one of ours the
// first rekey will fail: child_create warns once (Event pfs_mismatch) and
// records it as the child's rekey_problem. A peer that lists no group at all
// is indistinguishable from one that follows §1.2, so nothing is said then.
//
// At rekey time (note_pfs_refusal, tasks/child_rekey.cc): the peer refused
// our rekey over PFS: INVALID_KE_PAYLOAD naming a group we do not allow (or
// again after our one retry), or NO_PROPOSAL_CHOSEN for a rekey that offered
// the same ESP proposals the peer accepted without a group in IKE_AUTH (only
// the KE transform differs, so that is the disagreement). The old child is
// kept until its hard lifetime; the first refusal is logged (Event
// child_sa_rekey_failed) and stored as the child's rekey_problem, every one
// is counted (child_rekeys_failed, child_rekeys_failed_pfs). Later refusals
// of the same child are not logged again. One more attempt is made halfway
// between the refusal and the hard lifetime, in case the peer's
// configuration was fixed meanwhile (a successful rekey gives a new child
// without the problem); if it is refused too, the child stays until its
// life_time and is then deleted, with the problem in the reason.
//
// As rekey responder (note_peer_rekey_refused_over_pfs): a peer's rekey
// request whose proposals name PFS groups (or none) that share none with
// ours is refused with NO_PROPOSAL_CHOSEN as before; the disagreement is
// also said once per child (Event pfs_mismatch, rekey_problem) and counted.
//
// Who calls it: child_create (responder) and child_rekey (both roles).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ike/connection_config.h"
#include "ike/task.h"
#include "wire/sa_payload.h"

namespace tern::ike {

struct ChildSa;

// The PFS groups ESP proposals name: every KE transform, NONE for a proposal
// without one (or with KE NONE). Order of first appearance, no duplicates.
std::vector<wire::KeGroup> pfs_groups(std::span<const wire::Proposal> proposals);
std::vector<wire::KeGroup> pfs_groups(std::span<const EspSuite> suites);
// "ecp256, modp2048", "none" for NONE.
std::string pfs_groups_text(std::span<const wire::KeGroup> groups);

// The warning when the peer's IKE_AUTH ESP proposals name PFS groups none of
// which is one of ours, e.g. "peer 192.0.2.2 offers PFS groups ecp256 for
// child net, we allow: x25519; the first rekey of this child will fail";
// nullopt when they name no group (nothing is knowable) or share one with us.
std::optional<std::string> predict_pfs_mismatch(std::span<const wire::Proposal> peer_proposals,
                                                std::span<const EspSuite> ours, std::string_view peer,
                                                std::string_view child);

// "peer 192.0.2.2 offers PFS groups ecp256 for child net, we allow: x25519"
// when the PFS groups of the peer's ESP proposals share none with ours;
// nullopt otherwise, and when the proposals name no group unless
// `none_is_known` (CREATE_CHILD_SA, where a peer that wants PFS must list it).
std::optional<std::string> disjoint_pfs_groups(std::span<const wire::Proposal> peer_proposals,
                                               std::span<const EspSuite> ours, std::string_view peer,
                                               std::string_view child, bool none_is_known);

// Responder: we refused the peer's rekey of `child` because its PFS groups
// share none with ours (`problem`, from disjoint_pfs_groups): counted
// (peer_rekeys_refused_pfs) each time; the Event pfs_mismatch and the
// child's rekey_problem once per child.
void note_peer_rekey_refused_over_pfs(TaskContext& ctx, ChildSa& child, const std::string& problem);

// After install_child made the first CHILD_SA (inbound SPI `spi_in`): when
// `warning` is set, the Event pfs_mismatch, the child's rekey_problem and the
// counter child_pfs_mismatches_predicted.
void warn_pfs_mismatch(TaskContext& ctx, uint32_t spi_in, const std::optional<std::string>& warning);

// The peer refused our rekey of `child` over PFS (`problem`, in words): see
// above. Counts, logs the first one, schedules the one later attempt.
void note_pfs_refusal(TaskContext& ctx, ChildSa& child, const std::string& problem);

}  // namespace tern::ike
