// PFS disagreement diagnostics (see pfs_diagnosis.h).
#include "ike/pfs_diagnosis.h"

#include <fmt/format.h>

#include <algorithm>

#include "ike/ike_sa.h"
#include "ike/proposal.h"

namespace tern::ike {
namespace {

void add_once(std::vector<wire::KeGroup>& groups, wire::KeGroup group) {
  if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
}

// Whole seconds, so that the words stay short ("7s", "66m").
std::string rounded(Duration d) {
  return format_duration(std::chrono::duration_cast<seconds>(d));
}

}  // namespace

std::vector<wire::KeGroup> pfs_groups(std::span<const wire::Proposal> proposals) {
  std::vector<wire::KeGroup> groups;
  for (const wire::Proposal& p : proposals) {
    if (p.protocol != wire::ProtocolId::ESP) continue;
    bool any = false;
    for (const wire::Transform& t : p.transforms) {
      if (t.type != wire::TransformType::KE) continue;
      any = true;
      add_once(groups, static_cast<wire::KeGroup>(t.id));
    }
    if (!any) add_once(groups, wire::KeGroup::NONE);
  }
  return groups;
}

std::vector<wire::KeGroup> pfs_groups(std::span<const EspSuite> suites) {
  std::vector<wire::KeGroup> groups;
  for (const EspSuite& s : suites) add_once(groups, s.ke);
  return groups;
}

std::string pfs_groups_text(std::span<const wire::KeGroup> groups) {
  std::string out;
  for (wire::KeGroup g : groups) out += (out.empty() ? "" : ", ") + group_keyword(g);
  return out;
}

std::optional<std::string> disjoint_pfs_groups(std::span<const wire::Proposal> peer_proposals,
                                               std::span<const EspSuite> ours, std::string_view peer,
                                               std::string_view child, bool none_is_known) {
  const std::vector<wire::KeGroup> theirs = pfs_groups(peer_proposals);
  const bool knowable = none_is_known || std::any_of(theirs.begin(), theirs.end(), [](wire::KeGroup g) {
                          return g != wire::KeGroup::NONE;
                        });
  if (!knowable || theirs.empty()) return std::nullopt;
  const std::vector<wire::KeGroup> mine = pfs_groups(ours);
  const bool shared = std::any_of(theirs.begin(), theirs.end(), [&](wire::KeGroup g) {
    return std::find(mine.begin(), mine.end(), g) != mine.end();
  });
  if (shared) return std::nullopt;
  return fmt::format("peer {} offers PFS groups {} for child {}, we allow: {}", peer, pfs_groups_text(theirs),
                     child, pfs_groups_text(mine));
}

std::optional<std::string> predict_pfs_mismatch(std::span<const wire::Proposal> peer_proposals,
                                                std::span<const EspSuite> ours, std::string_view peer,
                                                std::string_view child) {
  std::optional<std::string> text = disjoint_pfs_groups(peer_proposals, ours, peer, child, false);
  if (text) *text += "; the first rekey of this child will fail";
  return text;
}

void note_peer_rekey_refused_over_pfs(TaskContext& ctx, ChildSa& child, const std::string& problem) {
  ++ctx.counters.peer_rekeys_refused_pfs;
  if (child.rekey_problem == problem) return;  // said once per child
  child.rekey_problem = problem;
  ctx.event(EventKind::pfs_mismatch, problem);
}

void warn_pfs_mismatch(TaskContext& ctx, uint32_t spi_in, const std::optional<std::string>& warning) {
  if (!warning) return;
  ChildSa* child = ctx.sa.find_child_by_spi_in(spi_in);
  if (child == nullptr) return;  // not installed
  child->rekey_problem = *warning;
  ++ctx.counters.child_pfs_mismatches_predicted;
  ctx.event(EventKind::pfs_mismatch, *warning);
}

void note_pfs_refusal(TaskContext& ctx, ChildSa& child, const std::string& problem) {
  child.rekeying = false;
  ++ctx.counters.child_rekeys_failed;
  ++ctx.counters.child_rekeys_failed_pfs;
  ++child.pfs_refusals;
  child.rekey_problem = problem;
  // One more attempt, halfway to the hard lifetime, after the first refusal only.
  child.rekey_at.reset();
  std::string outlook;
  if (child.expire_at && *child.expire_at > ctx.now) {
    const Duration left = *child.expire_at - ctx.now;
    outlook = fmt::format(" until its life_time ends in {}", rounded(left));
    if (child.pfs_refusals == 1 && left / 2 >= seconds(1)) {
      child.rekey_at = ctx.now + left / 2;
      outlook += fmt::format(" (one more rekey attempt in {})", rounded(left / 2));
    }
  }
  if (child.pfs_refusals > 1) return;  // said once per child
  ctx.event(EventKind::child_sa_rekey_failed,
            fmt::format("rekeying CHILD_SA {} (SPI in 0x{:08x}) failed: {}; the old CHILD_SA stays in use{}",
                        child.name, child.spi_in, problem, outlook));
}

}  // namespace tern::ike
