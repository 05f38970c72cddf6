// Proposal building, selection and mismatch explanation (see proposal.h).
#include "ike/proposal.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace tern::ike {
namespace {

using wire::Transform;
using wire::TransformType;

Transform encr_transform(wire::EncrId encr, uint16_t key_bits) {
  Transform t{TransformType::ENCR, static_cast<uint16_t>(encr), {}};
  // ChaCha20-Poly1305 has a fixed key size and takes no KEY_LENGTH (RFC 7634 §2).
  if (encr != wire::EncrId::CHACHA20_POLY1305)
    t.attributes.push_back(wire::TransformAttribute::key_length(key_bits));
  return t;
}

std::vector<Transform> transforms_of(const crypto::IkeSuite& s) {
  std::vector<Transform> out{encr_transform(s.encr, s.encr_key_bits),
                             {TransformType::PRF, static_cast<uint16_t>(s.prf), {}}};
  if (s.integ != wire::IntegId::NONE)
    out.push_back({TransformType::INTEG, static_cast<uint16_t>(s.integ), {}});
  out.push_back({TransformType::KE, static_cast<uint16_t>(s.ke), {}});
  return out;
}

std::vector<Transform> transforms_of(const EspSuite& s) {
  std::vector<Transform> out{encr_transform(s.encr, s.encr_key_bits)};
  if (s.integ != wire::IntegId::NONE)
    out.push_back({TransformType::INTEG, static_cast<uint16_t>(s.integ), {}});
  out.push_back({TransformType::ESN, static_cast<uint16_t>(s.esn), {}});
  if (s.ke != wire::KeGroup::NONE) out.push_back({TransformType::KE, static_cast<uint16_t>(s.ke), {}});
  return out;
}

const std::vector<TransformType>& types_of(const crypto::IkeSuite&) {
  static const std::vector<TransformType> types{TransformType::ENCR, TransformType::PRF, TransformType::INTEG,
                                                TransformType::KE};
  return types;
}
const std::vector<TransformType>& types_of(const EspSuite&) {
  static const std::vector<TransformType> types{TransformType::ENCR, TransformType::INTEG, TransformType::ESN,
                                                TransformType::KE};
  return types;
}

// The key length a transform means: the attribute, or none (ChaCha20). A
// transform with attributes beyond that one (a second KEY_LENGTH, one we do not
// know) is none of ours: §3.3.6 has it rejected rather than half understood.
bool same_transform(const Transform& a, const Transform& b) {
  return a.type == b.type && a.id == b.id && a.key_length() == b.key_length() &&
         a.attributes.size() == b.attributes.size();
}

// "AES_GCM_16_128", "PRF_HMAC_SHA2_256", "NONE" for an absent INTEG.
std::string transform_name(const Transform& t) {
  std::string name = wire::transform_id_to_string(t.type, t.id);
  if (auto bits = t.key_length()) name += fmt::format("_{}", *bits);
  return name;
}

// The names a proposal offers for one type; an absent INTEG counts as NONE.
std::vector<std::string> offered_names(const wire::Proposal& p, TransformType type) {
  std::vector<std::string> names;
  for (const Transform& t : p.transforms) {
    if (t.type == type) names.push_back(transform_name(t));
  }
  const bool absent_means_none =
      type == TransformType::INTEG || (type == TransformType::KE && p.protocol == wire::ProtocolId::ESP);
  if (names.empty() && absent_means_none) names.push_back(transform_name({type, 0, {}}));
  return names;
}

// What a suite asks of one transform type, as transforms_of(suite) would
// build it, without building it: proposal_accepts runs once per offered
// proposal and configured suite, on every IKE_SA_INIT and CHILD_SA request.
struct Want {
  TransformType type;
  uint16_t id;
  std::optional<uint16_t> key_bits;  // the KEY_LENGTH attribute, the only one we send
};
struct Wants {
  std::array<Want, 4> items;
  size_t size = 0;
  void add(TransformType type, uint16_t id, std::optional<uint16_t> key_bits = std::nullopt) {
    items[size++] = Want{type, id, key_bits};
  }
  const Want* begin() const { return items.data(); }
  const Want* end() const { return items.data() + size; }
};

std::optional<uint16_t> key_bits_of(wire::EncrId encr, uint16_t key_bits) {
  if (encr == wire::EncrId::CHACHA20_POLY1305) return std::nullopt;  // as encr_transform
  return key_bits;
}

Wants wants_of(const crypto::IkeSuite& s) {
  Wants w;
  w.add(TransformType::ENCR, static_cast<uint16_t>(s.encr), key_bits_of(s.encr, s.encr_key_bits));
  w.add(TransformType::PRF, static_cast<uint16_t>(s.prf));
  if (s.integ != wire::IntegId::NONE) w.add(TransformType::INTEG, static_cast<uint16_t>(s.integ));
  w.add(TransformType::KE, static_cast<uint16_t>(s.ke));
  return w;
}

Wants wants_of(const EspSuite& s) {
  Wants w;
  w.add(TransformType::ENCR, static_cast<uint16_t>(s.encr), key_bits_of(s.encr, s.encr_key_bits));
  if (s.integ != wire::IntegId::NONE) w.add(TransformType::INTEG, static_cast<uint16_t>(s.integ));
  w.add(TransformType::ESN, static_cast<uint16_t>(s.esn));
  if (s.ke != wire::KeGroup::NONE) w.add(TransformType::KE, static_cast<uint16_t>(s.ke));
  return w;
}

// same_transform(t, the transform `w` stands for).
bool same_transform(const Transform& t, const Want& w) {
  return t.type == w.type && t.id == w.id && t.key_length() == w.key_bits &&
         t.attributes.size() == (w.key_bits ? 1U : 0U);
}

template <typename Suite>
bool proposal_accepts(const wire::Proposal& p, const Suite& suite) {
  const Wants ours = wants_of(suite);
  for (TransformType type : types_of(suite)) {
    auto mine = std::find_if(ours.begin(), ours.end(), [&](const Want& w) { return w.type == type; });
    bool offered_any = std::any_of(p.transforms.begin(), p.transforms.end(),
                                   [&](const Transform& t) { return t.type == type; });
    if (mine == ours.end()) {
      // The suite uses no transform of this type (INTEG with AEAD): absent or NONE.
      bool offers_none = std::any_of(p.transforms.begin(), p.transforms.end(),
                                     [&](const Transform& t) { return t.type == type && t.id == 0; });
      if (offered_any && !offers_none) return false;
      continue;
    }
    bool found = std::any_of(p.transforms.begin(), p.transforms.end(),
                             [&](const Transform& t) { return same_transform(t, *mine); });
    if (!found) return false;
  }
  // A proposal with a type the suite family does not know (e.g. KE in a first ESP SA) is not ours.
  return std::all_of(p.transforms.begin(), p.transforms.end(), [&](const Transform& t) {
    const auto& types = types_of(suite);
    return std::find(types.begin(), types.end(), t.type) != types.end();
  });
}

template <typename Suite>
std::optional<Selection<Suite>> select(std::span<const wire::Proposal> offered, std::span<const Suite> ours,
                                       wire::ProtocolId protocol) {
  for (const wire::Proposal& p : offered) {
    if (p.protocol != protocol) continue;
    for (const Suite& suite : ours) {
      if (proposal_accepts(p, suite)) return Selection<Suite>{suite, p.number, p.spi};
    }
  }
  return std::nullopt;
}

template <typename Suite>
std::optional<Selection<Suite>> check_answer(const wire::SaPayload& answer, std::span<const Suite> ours,
                                             wire::ProtocolId protocol) {
  if (answer.proposals.size() != 1) return std::nullopt;
  const wire::Proposal& p = answer.proposals.front();
  if (p.protocol != protocol) return std::nullopt;
  for (const Suite& suite : ours) {
    std::vector<Transform> mine = transforms_of(suite);
    bool equal_sets =
        mine.size() == p.transforms.size() && std::all_of(mine.begin(), mine.end(), [&](const Transform& m) {
          return std::any_of(p.transforms.begin(), p.transforms.end(),
                             [&](const Transform& t) { return same_transform(t, m); });
        });
    if (equal_sets) return Selection<Suite>{suite, p.number, p.spi};
  }
  return std::nullopt;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

template <typename Suite>
std::string explain(std::span<const wire::Proposal> offered, std::span<const Suite> ours,
                    wire::ProtocolId protocol) {
  if (ours.empty()) return "no proposals configured";
  std::vector<std::string> clauses;
  std::set<std::string> all_peer, all_ours;
  for (TransformType type : types_of(ours.front())) {
    std::set<std::string> peer_names, our_names;
    for (const wire::Proposal& p : offered) {
      if (p.protocol != protocol) continue;
      for (std::string& n : offered_names(p, type)) peer_names.insert(std::move(n));
    }
    for (const Suite& s : ours) {
      std::vector<Transform> mine = transforms_of(s);
      auto it = std::find_if(mine.begin(), mine.end(), [&](const Transform& t) { return t.type == type; });
      our_names.insert(it == mine.end() ? transform_name({type, 0, {}}) : transform_name(*it));
    }
    bool common = std::any_of(peer_names.begin(), peer_names.end(),
                              [&](const std::string& n) { return our_names.count(n) != 0; });
    if (!common) {
      clauses.push_back(fmt::format("{}: peer offered {}; we accept {}", wire::to_string(type),
                                    join(peer_names), join(our_names)));
    }
    all_peer.insert(peer_names.begin(), peer_names.end());
    all_ours.insert(our_names.begin(), our_names.end());
  }
  if (clauses.empty()) {
    return fmt::format(
        "each transform type has a common value, but no single proposal combines them "
        "(peer offered {}; we accept {})",
        join(all_peer), join(all_ours));
  }
  std::string out;
  for (const std::string& c : clauses) out += (out.empty() ? "" : "; ") + c;
  return out;
}

}  // namespace

wire::Proposal ike_proposal(const crypto::IkeSuite& suite, uint8_t number) {
  return {number, wire::ProtocolId::IKE, {}, transforms_of(suite)};
}

std::vector<wire::Proposal> ike_proposals(std::span<const crypto::IkeSuite> suites) {
  std::vector<wire::Proposal> out;
  for (size_t i = 0; i < suites.size(); ++i) {
    const crypto::IkeSuite& s = suites[i];
    if (i > 0) {
      // Suites that differ only in the KE group share one proposal (as strongSwan
      // writes "aes128gcm16-prfsha256-x25519-ecp256"), groups in preference order.
      const crypto::IkeSuite& prev = suites[i - 1];
      if (s.encr == prev.encr && s.encr_key_bits == prev.encr_key_bits && s.prf == prev.prf &&
          s.integ == prev.integ) {
        out.back().transforms.push_back({TransformType::KE, static_cast<uint16_t>(s.ke), {}});
        continue;
      }
    }
    out.push_back(ike_proposal(s, static_cast<uint8_t>(out.size() + 1)));
  }
  return out;
}

wire::Proposal esp_proposal(const EspSuite& suite, uint8_t number, uint32_t spi) {
  Bytes spi_bytes{static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
                  static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
  return {number, wire::ProtocolId::ESP, spi_bytes, transforms_of(suite)};
}

std::vector<EspSuite> without_pfs(std::span<const EspSuite> suites) {
  std::vector<EspSuite> out;
  for (EspSuite s : suites) {
    s.ke = wire::KeGroup::NONE;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

Bytes group_bytes(wire::KeGroup group) {
  const auto g = static_cast<uint16_t>(group);
  return {static_cast<uint8_t>(g >> 8), static_cast<uint8_t>(g)};
}

std::string group_keyword(wire::KeGroup group) {
  switch (group) {
    case wire::KeGroup::CURVE25519: return "x25519";
    case wire::KeGroup::CURVE448: return "x448";
    default: break;
  }
  std::string out;
  for (char c : wire::to_string(group)) {
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<wire::Proposal> esp_proposals(std::span<const EspSuite> suites, uint32_t spi) {
  std::vector<wire::Proposal> out;
  for (size_t i = 0; i < suites.size(); ++i)
    out.push_back(esp_proposal(suites[i], static_cast<uint8_t>(i + 1), spi));
  return out;
}

std::optional<Selection<crypto::IkeSuite>> select_ike_proposal(std::span<const wire::Proposal> offered,
                                                               std::span<const crypto::IkeSuite> ours) {
  return select(offered, ours, wire::ProtocolId::IKE);
}

std::optional<Selection<EspSuite>> select_esp_proposal(std::span<const wire::Proposal> offered,
                                                       std::span<const EspSuite> ours) {
  return select(offered, ours, wire::ProtocolId::ESP);
}

std::optional<Selection<crypto::IkeSuite>> check_ike_answer(const wire::SaPayload& answer,
                                                            std::span<const crypto::IkeSuite> ours) {
  return check_answer(answer, ours, wire::ProtocolId::IKE);
}

std::optional<Selection<EspSuite>> check_esp_answer(const wire::SaPayload& answer,
                                                    std::span<const EspSuite> ours) {
  return check_answer(answer, ours, wire::ProtocolId::ESP);
}

std::string explain_ike_mismatch(std::span<const wire::Proposal> offered,
                                 std::span<const crypto::IkeSuite> ours) {
  return explain(offered, ours, wire::ProtocolId::IKE);
}

std::string explain_esp_mismatch(std::span<const wire::Proposal> offered, std::span<const EspSuite> ours) {
  return explain(offered, ours, wire::ProtocolId::ESP);
}

}  // namespace tern::ike
