#include "wire/sa_payload.h"

#include <fmt/format.h>

#include <string>

#include "base/byte_reader.h"
#include "wire/codec_error.h"

namespace tern::wire {

namespace {

constexpr size_t kProposalHeaderSize = 8;
constexpr size_t kTransformHeaderSize = 8;
constexpr uint8_t kLastSubstrucLast = 0;
constexpr uint8_t kLastSubstrucMoreProposals = 2;
constexpr uint8_t kLastSubstrucMoreTransforms = 3;
constexpr uint16_t kAttributeFormatTv = 0x8000;

// A bounds error inside the body: keep its code, answer INVALID_SYNTAX.
Unexpected<Error> malformed(Errc code, std::string detail) {
  return as_invalid_syntax(Error::drop(code, std::move(detail)));
}

// `where` names the transform in error details ("SA payload: proposal 1:
// transform 3"); it is called only when there is an error (every transform
// with a KEY_LENGTH comes here, on the hot path of IKE_SA_INIT).
template <class Where>
Result<std::vector<TransformAttribute>> parse_attributes(ByteView bytes, const Where& where) {
  std::vector<TransformAttribute> attributes;
  ByteReader r{bytes};
  auto in_context = [&where](const Error& e) {
    return malformed(e.code, fmt::format("{}: {}", where(), e.detail));
  };
  while (!r.empty()) {
    if (attributes.size() == kMaxAttributes) {
      return malformed(Errc::too_many, fmt::format("{}: more than {} attributes", where(), kMaxAttributes));
    }
    auto type_field = r.u16("attribute type");
    if (!type_field) return in_context(type_field.error());
    auto length_or_value = r.u16("attribute length/value");
    if (!length_or_value) return in_context(length_or_value.error());

    TransformAttribute a;
    a.type = static_cast<uint16_t>(*type_field & ~kAttributeFormatTv);
    a.tv = (*type_field & kAttributeFormatTv) != 0;
    if (a.tv) {
      a.value = {static_cast<uint8_t>(*length_or_value >> 8), static_cast<uint8_t>(*length_or_value)};
    } else {
      auto value = r.take(*length_or_value, "attribute value");
      if (!value) return in_context(value.error());
      if (a.type == static_cast<uint16_t>(TransformAttr::KEY_LENGTH)) {
        return invalid_syntax(fmt::format("{}: KEY_LENGTH must use the TV format", where()));
      }
      a.value.assign(value->begin(), value->end());
    }
    attributes.push_back(std::move(a));
  }
  return attributes;
}

// `proposal`: the proposal's number in the payload (1, 2, ...), for error
// details, which are formatted only when there is an error; `expected`: its Num
// Transforms, a capacity hint.
Result<std::vector<Transform>> parse_transforms(ByteView bytes, size_t proposal, size_t expected) {
  std::vector<Transform> transforms;
  transforms.reserve(expected);
  ByteReader r{bytes, "SA payload"};
  while (!r.empty()) {
    const size_t index = transforms.size() + 1;
    auto where = [proposal, index] {
      return fmt::format("SA payload: proposal {}: transform {}", proposal, index);
    };
    if (r.remaining() < kTransformHeaderSize) {
      return malformed(Errc::truncated, fmt::format("{}: needs {} octets, {} left", where(),
                                                    kTransformHeaderSize, r.remaining()));
    }
    uint8_t last = *r.u8("Last Substruc");
    (void)r.skip(1, "RESERVED");
    uint16_t length = *r.u16("Transform Length");
    if (length < kTransformHeaderSize) {
      return malformed(Errc::bad_length,
                       fmt::format("{}: Transform Length {} < {}", where(), length, kTransformHeaderSize));
    }
    size_t rest = length - kTransformHeaderSize;
    if (r.remaining() + 4 < length) {
      return malformed(Errc::truncated, fmt::format("{}: Transform Length {} but only {} octets left",
                                                    where(), length, r.remaining() + 4));
    }
    Transform t;
    t.type = static_cast<TransformType>(*r.u8("Transform Type"));
    (void)r.skip(1, "RESERVED");
    t.id = *r.u16("Transform ID");
    ByteView attribute_bytes = *r.take(rest, "Transform Attributes");

    if (last != kLastSubstrucLast && last != kLastSubstrucMoreTransforms) {
      return invalid_syntax(fmt::format("{}: Last Substruc {} (must be 0 or 3)", where(), last));
    }
    if (last == kLastSubstrucLast && !r.empty()) {
      return invalid_syntax(fmt::format("{}: Last Substruc 0 but more transforms follow", where()));
    }
    if (last == kLastSubstrucMoreTransforms && r.empty()) {
      return invalid_syntax(fmt::format("{}: Last Substruc 3 but no transform follows", where()));
    }
    if (!attribute_bytes.empty()) {
      auto attributes = parse_attributes(attribute_bytes, where);
      if (!attributes) return fail(std::move(attributes).error());
      t.attributes = std::move(*attributes);
    }
    transforms.push_back(std::move(t));
  }
  return transforms;
}

Result<void> check_spi_size(ProtocolId protocol, size_t spi_size, size_t proposal) {
  auto where = [proposal] { return fmt::format("SA payload: proposal {}", proposal); };
  switch (protocol) {
    case ProtocolId::IKE:
      if (spi_size == 0 || spi_size == 8) return {};
      break;
    case ProtocolId::AH:
    case ProtocolId::ESP:
      if (spi_size == 4) return {};
      break;
    default:
      return invalid_syntax(fmt::format("{}: Protocol ID {}", where(), static_cast<unsigned>(protocol)));
  }
  return malformed(Errc::bad_spi, fmt::format("{}: SPI Size {} for protocol {}", where(), spi_size,
                                              wire::to_string(protocol)));
}

}  // namespace

TransformAttribute TransformAttribute::key_length(uint16_t bits) {
  return {static_cast<uint16_t>(TransformAttr::KEY_LENGTH), true,
          Bytes{static_cast<uint8_t>(bits >> 8), static_cast<uint8_t>(bits)}};
}

std::optional<uint16_t> Transform::key_length() const {
  for (const TransformAttribute& a : attributes) {
    if (a.type == static_cast<uint16_t>(TransformAttr::KEY_LENGTH) && a.tv && a.value.size() == 2) {
      return static_cast<uint16_t>((a.value[0] << 8) | a.value[1]);
    }
  }
  return std::nullopt;
}

Result<SaPayload> SaPayload::parse(ByteView body) {
  if (body.empty()) return invalid_syntax("SA payload: no proposals");
  SaPayload sa;
  ByteReader r{body, "SA payload"};
  while (!r.empty()) {
    if (sa.proposals.size() == kMaxProposals) {
      return malformed(Errc::too_many, fmt::format("SA payload: more than {} proposals", kMaxProposals));
    }
    const size_t index = sa.proposals.size() + 1;
    auto where = [index] { return fmt::format("SA payload: proposal {}", index); };
    // Bounds first.
    if (r.remaining() < kProposalHeaderSize) {
      return malformed(Errc::truncated, fmt::format("{}: needs {} octets, {} left", where(),
                                                    kProposalHeaderSize, r.remaining()));
    }
    uint8_t last = *r.u8("Last Substruc");
    (void)r.skip(1, "RESERVED");
    uint16_t length = *r.u16("Proposal Length");
    if (length < kProposalHeaderSize) {
      return malformed(Errc::bad_length,
                       fmt::format("{}: Proposal Length {} < {}", where(), length, kProposalHeaderSize));
    }
    if (r.remaining() + 4 < length) {
      return malformed(Errc::truncated, fmt::format("{}: Proposal Length {} but only {} octets left", where(),
                                                    length, r.remaining() + 4));
    }
    Proposal p;
    p.number = *r.u8("Proposal Num");
    p.protocol = static_cast<ProtocolId>(*r.u8("Protocol ID"));
    uint8_t spi_size = *r.u8("SPI Size");
    uint8_t num_transforms = *r.u8("Num Transforms");
    size_t rest = length - kProposalHeaderSize;
    if (spi_size > rest) {
      return malformed(Errc::bad_length, fmt::format("{}: Proposal Length {} leaves no room for SPI Size {}",
                                                     where(), length, spi_size));
    }
    ByteView spi = *r.take(spi_size, "SPI");
    ByteView transform_bytes = *r.take(rest - spi_size, "Transforms");

    // Meaning second.
    if (last != kLastSubstrucLast && last != kLastSubstrucMoreProposals) {
      return invalid_syntax(fmt::format("{}: Last Substruc {} (must be 0 or 2)", where(), last));
    }
    if (last == kLastSubstrucLast && !r.empty()) {
      return invalid_syntax(fmt::format("{}: Last Substruc 0 but more proposals follow", where()));
    }
    if (last == kLastSubstrucMoreProposals && r.empty()) {
      return invalid_syntax(fmt::format("{}: Last Substruc 2 but no proposal follows", where()));
    }
    // §3.3.1: an offer's proposals are numbered from 1, each the same as or one
    // more than the one before; an answer is a single proposal that keeps the
    // number of the offer it accepted, so a lone proposal may carry any number
    // but 0; the first of several must be 1 (checked when the second arrives).
    if (p.number == 0) return invalid_syntax(fmt::format("{}: Proposal Num 0", where()));
    if (sa.proposals.size() == 1 && sa.proposals.front().number != 1) {
      return invalid_syntax(fmt::format("{}: Proposal Num {} first of several (must start at 1)", where(),
                                        sa.proposals.front().number));
    }
    if (!sa.proposals.empty() && p.number != sa.proposals.back().number &&
        p.number != sa.proposals.back().number + 1) {
      return invalid_syntax(fmt::format("{}: Proposal Num {} after {} (must stay or go up by 1)", where(),
                                        p.number, sa.proposals.back().number));
    }
    if (auto ok = check_spi_size(p.protocol, spi_size, index); !ok) return fail(std::move(ok).error());
    p.spi.assign(spi.begin(), spi.end());

    auto transforms = parse_transforms(transform_bytes, index, num_transforms);
    if (!transforms) return fail(std::move(transforms).error());
    if (transforms->empty()) return invalid_syntax(fmt::format("{}: no transforms", where()));
    if (transforms->size() != num_transforms) {
      return invalid_syntax(
          fmt::format("{}: Num Transforms {} but {} present", where(), num_transforms, transforms->size()));
    }
    p.transforms = std::move(*transforms);
    sa.proposals.push_back(std::move(p));
  }
  return sa;
}

void SaPayload::build(ByteWriter& w) const {
  for (size_t i = 0; i < proposals.size(); ++i) {
    const Proposal& p = proposals[i];
    TERN_ASSERT(p.spi.size() <= 0xff && p.transforms.size() <= 0xff);
    size_t proposal_start = w.size();
    w.u8(i + 1 == proposals.size() ? kLastSubstrucLast : kLastSubstrucMoreProposals);
    w.u8(0);  // RESERVED
    size_t proposal_length_at = w.placeholder_u16();
    w.u8(p.number);
    w.u8(static_cast<uint8_t>(p.protocol));
    w.u8(static_cast<uint8_t>(p.spi.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      size_t transform_start = w.size();
      w.u8(j + 1 == p.transforms.size() ? kLastSubstrucLast : kLastSubstrucMoreTransforms);
      w.u8(0);  // RESERVED
      size_t transform_length_at = w.placeholder_u16();
      w.u8(static_cast<uint8_t>(t.type));
      w.u8(0);  // RESERVED
      w.u16(t.id);
      for (const TransformAttribute& a : t.attributes) {
        TERN_ASSERT(a.type < kAttributeFormatTv);
        if (a.tv) {
          TERN_ASSERT(a.value.size() == 2);
          w.u16(static_cast<uint16_t>(kAttributeFormatTv | a.type));
          w.bytes(a.value);
        } else {
          TERN_ASSERT(a.value.size() <= 0xffff);
          w.u16(a.type);
          w.u16(static_cast<uint16_t>(a.value.size()));
          w.bytes(a.value);
        }
      }
      w.patch_length16(transform_length_at, w.size() - transform_start);
    }
    w.patch_length16(proposal_length_at, w.size() - proposal_start);
  }
}

}  // namespace tern::wire
