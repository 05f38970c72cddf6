#include "wire/payload_rules.h"

#include <fmt/format.h>

#include <string>

#include "wire/codec_error.h"

namespace tern::wire {

namespace {

using enum PayloadType;
constexpr Where kOut = Where::outside_sk;
constexpr Where kIn = Where::inside_sk;
constexpr uint8_t kMany = 255;  // "any number"; the chain decoder caps a chain at kMaxPayloads
constexpr bool kTogether = true;

// One rule per line reads like the RFC:
// clang-format off
// --- IKE_SA_INIT (§1.2) -------------------------------------------------
// HDR, SAi1, KEi, Ni, [N+], [V+]  -->
constexpr PayloadRule kIkeSaInitRequest[] = {
    {SA, 1, 1, kOut},
    {KE, 1, 1, kOut},
    {Nonce, 1, 1, kOut},
    {Notify, 0, kMany, kOut},
    {VendorID, 0, kMany, kOut},
};
// <--  HDR, SAr1, KEr, Nr, [CERTREQ+], [N+], [V+]      or  HDR, N(COOKIE) / N(INVALID_KE_PAYLOAD) / ...
constexpr PayloadRule kIkeSaInitResponse[] = {
    {SA, 1, 1, kOut},
    {KE, 1, 1, kOut},
    {Nonce, 1, 1, kOut},
    {CERTREQ, 0, kMany, kOut},
    {Notify, 0, kMany, kOut},
    {VendorID, 0, kMany, kOut},
};

// --- IKE_AUTH (§1.2, §2.16, RFC 4739, RFC 5998, RFC 6023 childless) ---------
// HDR, SK {IDi, [CERT+], [CERTREQ+], [IDr], [AUTH], [SAi2, TSi, TSr], [CP], [N+], [V+]}  -->
// (no AUTH when the initiator asks for EAP; no SAi2/TSi/TSr when childless)
constexpr PayloadRule kIkeAuthRequestFirst[] = {
    {IDi, 1, 1, kIn},
    {CERT, 0, kMany, kIn},
    {CERTREQ, 0, kMany, kIn},
    {IDr, 0, 1, kIn},
    {AUTH, 0, 1, kIn},
    {SA, 0, 1, kIn, kTogether},
    {TSi, 0, 1, kIn, kTogether},
    {TSr, 0, 1, kIn, kTogether},
    {CP, 0, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};
// HDR, SK {EAP}  -->   (the EAP rounds)
constexpr PayloadRule kIkeAuthRequestEap[] = {
    {EAP, 1, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};
// HDR, SK {AUTH}  -->   (after EAP succeeded)
constexpr PayloadRule kIkeAuthRequestFinal[] = {
    {AUTH, 1, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};
// <--  HDR, SK {[IDr], [CERT+], [AUTH], EAP, [N+], [V+]}   (EAP starts, continues, ends)
constexpr PayloadRule kIkeAuthResponseEap[] = {
    {IDr, 0, 1, kIn},
    {CERT, 0, kMany, kIn},
    {AUTH, 0, 1, kIn},
    {EAP, 1, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};
// <--  HDR, SK {IDr, [CERT+], AUTH, [SAr2, TSi, TSr], [CP], [N+], [V+]}
constexpr PayloadRule kIkeAuthResponseFirst[] = {
    {IDr, 1, 1, kIn},
    {CERT, 0, kMany, kIn},
    {AUTH, 1, 1, kIn},
    {SA, 0, 1, kIn, kTogether},
    {TSi, 0, 1, kIn, kTogether},
    {TSr, 0, 1, kIn, kTogether},
    {CP, 0, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};
// <--  HDR, SK {AUTH, [SAr2, TSi, TSr], [CP], [N+], [V+]}   (after EAP)
constexpr PayloadRule kIkeAuthResponseFinal[] = {
    {AUTH, 1, 1, kIn},
    {SA, 0, 1, kIn, kTogether},
    {TSi, 0, 1, kIn, kTogether},
    {TSr, 0, 1, kIn, kTogether},
    {CP, 0, 1, kIn},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};

// --- CREATE_CHILD_SA (§1.3) ------------------------------------------------
// HDR, SK {[N(REKEY_SA)], [N+], SA, Ni, [KEi], [TSi, TSr]}  -->   (no TS when rekeying the IKE SA)
// <--  HDR, SK {SA, Nr, [KEr], [TSi, TSr], [N+]}               or  HDR, SK {N(NO_PROPOSAL_CHOSEN)} ...
constexpr PayloadRule kCreateChildSa[] = {
    {SA, 1, 1, kIn},
    {Nonce, 1, 1, kIn},
    {KE, 0, 1, kIn},
    {TSi, 0, 1, kIn, kTogether},
    {TSr, 0, 1, kIn, kTogether},
    {Notify, 0, kMany, kIn},
    {VendorID, 0, kMany, kIn},
};

// --- INFORMATIONAL (§1.4) ----------------------------------------------------
// HDR, SK {[N,] [D,] [CP,] ...}  -->   and the same back; empty for liveness checks
constexpr PayloadRule kInformational[] = {
    {Notify, 0, kMany, kIn},
    {Delete, 0, kMany, kIn},
    {CP, 0, 1, kIn},
    {VendorID, 0, kMany, kIn},
};

// clang-format on

using enum ExchangeType;
constexpr Direction kRequest = Direction::request;
constexpr Direction kResponse = Direction::response;
constexpr bool kEncrypted = true;
constexpr bool kNotifyOnlyOk = true;

// Order matters within one exchange/direction: the first matching shape wins.
constexpr MessageShape kShapes[] = {
    {IKE_SA_INIT, kRequest, NONE, !kEncrypted, !kNotifyOnlyOk, kIkeSaInitRequest},
    {IKE_SA_INIT, kResponse, NONE, !kEncrypted, kNotifyOnlyOk, kIkeSaInitResponse},
    {IKE_AUTH, kRequest, EAP, kEncrypted, !kNotifyOnlyOk, kIkeAuthRequestEap},
    {IKE_AUTH, kRequest, IDi, kEncrypted, !kNotifyOnlyOk, kIkeAuthRequestFirst},
    {IKE_AUTH, kRequest, NONE, kEncrypted, !kNotifyOnlyOk, kIkeAuthRequestFinal},
    {IKE_AUTH, kResponse, EAP, kEncrypted, kNotifyOnlyOk, kIkeAuthResponseEap},
    {IKE_AUTH, kResponse, IDr, kEncrypted, kNotifyOnlyOk, kIkeAuthResponseFirst},
    {IKE_AUTH, kResponse, NONE, kEncrypted, kNotifyOnlyOk, kIkeAuthResponseFinal},
    {CREATE_CHILD_SA, kRequest, NONE, kEncrypted, !kNotifyOnlyOk, kCreateChildSa},
    {CREATE_CHILD_SA, kResponse, NONE, kEncrypted, kNotifyOnlyOk, kCreateChildSa},
    {INFORMATIONAL, kRequest, NONE, kEncrypted, !kNotifyOnlyOk, kInformational},
    {INFORMATIONAL, kResponse, NONE, kEncrypted, kNotifyOnlyOk, kInformational},
};

std::string_view to_string(Direction d) {
  return d == Direction::request ? "request" : "response";
}

// "IKE_AUTH request", the prefix of every violation's detail: formatted only
// for a violation, not for each message that passes.
struct What {
  ExchangeType exchange;
  Direction direction;
  std::string operator()() const { return fmt::format("{} {}", to_string(exchange), to_string(direction)); }
};

// INVALID_SYNTAX for every rules violation.
Unexpected<Error> violation(Errc code, std::string detail) {
  return fail(code, notify_number(NotifyType::INVALID_SYNTAX), std::move(detail));
}

bool is_encrypted_container(PayloadType type) {
  return type == SK || type == SKF;
}

bool contains(std::span<const Payload> payloads, PayloadType type) {
  return find_payload(payloads, type) != nullptr;
}

const MessageShape* select_shape(ExchangeType exchange, Direction direction, std::span<const Payload> outside,
                                 std::span<const Payload> inside) {
  for (const MessageShape& shape : kShapes) {
    if (shape.exchange != exchange || shape.direction != direction) continue;
    if (shape.when_present == NONE || contains(outside, shape.when_present) ||
        contains(inside, shape.when_present)) {
      return &shape;
    }
  }
  return nullptr;
}

const PayloadRule* find_rule(const MessageShape& shape, PayloadType type) {
  for (const PayloadRule& rule : shape.rules) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

// An error Notify, COOKIE (§2.6) or REDIRECT (RFC 5685) answers instead of the usual payloads.
bool has_notify_only_answer(std::span<const Payload> payloads) {
  for (const Payload& p : payloads) {
    const auto* n = std::get_if<NotifyPayload>(&p.body);
    if (n == nullptr) continue;
    if (is_error_notify(n->type) || n->type == NotifyType::COOKIE || n->type == NotifyType::REDIRECT) {
      return true;
    }
  }
  return false;
}

// Each payload on its own: known, allowed here, on the right side of SK.
Result<void> check_placement(const MessageShape& shape, std::span<const Payload> payloads, Where side,
                             const What& what) {
  for (const Payload& p : payloads) {
    if (!is_known_payload(p.type)) {
      if (!p.critical) continue;  // §2.5: skipped
      Error e = Error::answer(Errc::unsupported_critical_payload,
                              notify_number(NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD),
                              fmt::format("{}: unknown payload type {} with the Critical bit set", what(),
                                          static_cast<unsigned>(p.type)));
      e.notify_data = {static_cast<uint8_t>(p.type)};
      return fail(std::move(e));
    }
    if (is_encrypted_container(p.type)) {
      if (side == Where::outside_sk && shape.encrypted) continue;  // counted by check_container
      return violation(Errc::unexpected_payload,
                       side == Where::inside_sk
                           ? fmt::format("{}: {} inside SK", what(), to_string(p.type))
                           : fmt::format("{}: unexpected {}", what(), to_string(p.type)));
    }
    const PayloadRule* rule = find_rule(shape, p.type);
    if (rule == nullptr)
      return violation(Errc::unexpected_payload, fmt::format("{}: unexpected {}", what(), to_string(p.type)));
    if (rule->where != side) {
      return violation(Errc::unexpected_payload,
                       fmt::format("{}: {} must be {}", what(), to_string(p.type),
                                   rule->where == Where::inside_sk ? "inside SK" : "outside SK"));
    }
  }
  return {};
}

// Encrypted exchanges: exactly one SK or SKF outside (check_placement has
// already refused anything else known beside it: RFC 7383 §2.5, SKF alone).
// Unencrypted ones: nothing inside.
Result<void> check_container(const MessageShape& shape, std::span<const Payload> outside,
                             std::span<const Payload> inside, const What& what) {
  if (!shape.encrypted) {
    if (!inside.empty()) {
      return violation(Errc::unexpected_payload, fmt::format("{}: {} inside SK, but this exchange has no SK",
                                                             what(), to_string(inside[0].type)));
    }
    return {};
  }
  size_t containers = count_payloads(outside, SK) + count_payloads(outside, SKF);
  if (containers == 0) return violation(Errc::missing_payload, fmt::format("{}: missing SK", what()));
  if (containers > 1)
    return violation(Errc::too_many, fmt::format("{}: {} SK/SKF payloads", what(), containers));
  return {};
}

Result<void> check_counts(const MessageShape& shape, std::span<const Payload> outside,
                          std::span<const Payload> inside, const What& what) {
  bool minimums_waived =
      shape.notify_only_ok && (has_notify_only_answer(outside) || has_notify_only_answer(inside));
  size_t together_present = 0;
  size_t together_rules = 0;
  const PayloadRule* together_missing = nullptr;
  for (const PayloadRule& rule : shape.rules) {
    size_t n = count_payloads(outside, rule.type) + count_payloads(inside, rule.type);
    if (n > rule.max) {
      return violation(Errc::too_many, fmt::format("{}: {} {} payloads, at most {} allowed", what(), n,
                                                   to_string(rule.type), rule.max));
    }
    if (n < rule.min && !minimums_waived) {
      return violation(Errc::missing_payload, fmt::format("{}: missing {}", what(), to_string(rule.type)));
    }
    if (rule.together) {
      ++together_rules;
      if (n > 0) {
        ++together_present;
      } else if (together_missing == nullptr) {
        together_missing = &rule;
      }
    }
  }
  if (together_present > 0 && together_present < together_rules && !minimums_waived) {
    std::string together_names;
    for (const PayloadRule& rule : shape.rules) {
      if (!rule.together) continue;
      together_names += together_names.empty() ? "" : ", ";
      together_names += to_string(rule.type);
    }
    return violation(Errc::missing_payload, fmt::format("{}: missing {} ({} come together)", what(),
                                                        to_string(together_missing->type), together_names));
  }
  return {};
}

}  // namespace

std::span<const MessageShape> payload_rules_table() {
  return kShapes;
}

Result<void> check_payload_rules(ExchangeType exchange, Direction direction, std::span<const Payload> outside,
                                 std::span<const Payload> inside) {
  const What what{exchange, direction};
  const MessageShape* shape = select_shape(exchange, direction, outside, inside);
  if (shape == nullptr)
    return fail(Errc::unsupported, fmt::format("{}: no payload rules for this exchange", what()));

  if (auto ok = check_placement(*shape, outside, Where::outside_sk, what); !ok) return ok;
  if (auto ok = check_container(*shape, outside, inside, what); !ok) return ok;
  if (auto ok = check_placement(*shape, inside, Where::inside_sk, what); !ok) return ok;
  return check_counts(*shape, outside, inside, what);
}

}  // namespace tern::wire
