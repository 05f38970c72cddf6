// Codec checks shared by the wire/ tests. For whole messages: every truncation
// point and every wrong length field of a well-formed message must give a named
// error (the QUICHE "CheckFramingBoundaries" idea), never a crash. For single
// payload bodies (the *_payload_test.cc files): an error check naming Errc,
// INVALID_SYNTAX and a piece of the detail, loops over the prefixes of a body,
// and loops over every single-octet change of a body. All checks report
// through GoogleTest assertions; none throws.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "wire/message.h"

namespace tern::wire::checks {

inline void set_u32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

inline void expect_every_truncation_is_named(const Bytes& message, const std::string& name) {
  for (size_t n = 0; n < message.size(); ++n) {
    Bytes cut(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(n));
    // As received: the datagram is shorter than its Length field.
    auto m = parse_message(cut);
    ASSERT_FALSE(m) << name << " cut at " << n;
    EXPECT_EQ(m.error().code, n < kIkeHeaderSize ? Errc::truncated : Errc::bad_length)
        << name << " cut at " << n << ": " << m.error().to_string();
    EXPECT_FALSE(m.error().notify) << name << " cut at " << n << ": header errors are dropped";
    if (n < kIkeHeaderSize) continue;
    // With Length fixed up to match, the payload chain itself is cut short.
    set_u32(cut, 24, static_cast<uint32_t>(n));
    auto fixed = parse_message(cut);
    ASSERT_FALSE(fixed) << name << " cut at " << n << " with Length " << n;
    EXPECT_EQ(fixed.error().code, Errc::truncated)
        << name << " cut at " << n << ": " << fixed.error().to_string();
    EXPECT_EQ(fixed.error().notify, notify_number(NotifyType::INVALID_SYNTAX)) << name << " cut at " << n;
  }
}

struct LengthField {
  std::string name;
  size_t offset;
  size_t width;      // 2 or 4 octets
  uint32_t value;    // the correct value
  uint32_t minimum;  // values below it are Errc::bad_length
};

inline uint32_t read_be(const Bytes& b, size_t at, size_t width) {
  uint32_t v = 0;
  for (size_t i = 0; i < width; ++i) v = (v << 8) | b[at + i];
  return v;
}

// Walks a well-formed message and lists every length field in it: the IKE
// header Length, each Payload Length, and in SA payloads each Proposal Length,
// Transform Length and TLV Attribute Length (an independent walk, not the codec).
inline std::vector<LengthField> length_fields(const Bytes& m) {
  std::vector<LengthField> fields;
  fields.push_back({"IKE header Length", 24, 4, read_be(m, 24, 4), kIkeHeaderSize});
  size_t pos = kIkeHeaderSize;
  uint8_t type = m[16];
  for (int i = 1; type != 0; ++i) {
    uint32_t length = read_be(m, pos + 2, 2);
    std::string name =
        "payload " + std::to_string(i) + " (" + to_string(static_cast<PayloadType>(type)) + ")";
    fields.push_back({name + " Payload Length", pos + 2, 2, length, 4});
    if (type == static_cast<uint8_t>(PayloadType::SA)) {
      size_t p = pos + 4;
      for (int j = 1; p < pos + length; ++j) {
        uint32_t proposal_length = read_be(m, p + 2, 2);
        std::string pname = name + " proposal " + std::to_string(j);
        fields.push_back({pname + " Length", p + 2, 2, proposal_length, 8});
        size_t t = p + 8 + m[p + 6];
        for (int k = 1; t < p + proposal_length; ++k) {
          uint32_t transform_length = read_be(m, t + 2, 2);
          std::string tname = pname + " transform " + std::to_string(k);
          fields.push_back({tname + " Length", t + 2, 2, transform_length, 8});
          for (size_t a = t + 8; a < t + transform_length;) {
            if (m[a] & 0x80) {
              a += 4;  // TV: no length field
            } else {
              uint32_t attribute_length = read_be(m, a + 2, 2);
              fields.push_back({tname + " attribute Length", a + 2, 2, attribute_length, 0});
              a += 4 + attribute_length;
            }
          }
          t += transform_length;
        }
        p += proposal_length;
      }
    }
    if (type == static_cast<uint8_t>(PayloadType::SK) || type == static_cast<uint8_t>(PayloadType::SKF))
      break;
    type = m[pos];
    pos += length;
  }
  return fields;
}

inline void expect_every_wrong_length_is_named(const Bytes& message, const std::string& name) {
  std::vector<LengthField> fields = length_fields(message);
  ASSERT_GT(fields.size(), 1u);
  for (const LengthField& f : fields) {
    for (uint32_t v : {0u, 1u, 3u, 4u, f.value - 1, f.value + 1, 0xffffu}) {
      if (v == f.value) continue;
      Bytes b = message;
      for (size_t i = 0; i < f.width; ++i)
        b[f.offset + i] = static_cast<uint8_t>(v >> (8 * (f.width - 1 - i)));
      auto m = parse_message(b);
      std::string what = name + ": " + f.name + " = " + std::to_string(v);
      ASSERT_FALSE(m) << what;
      const Error& e = m.error();
      if (f.offset == 24) {
        EXPECT_EQ(e.code, Errc::bad_length) << what << ": " << e.to_string();
        continue;
      }
      EXPECT_TRUE(e.code == Errc::truncated || e.code == Errc::bad_length || e.code == Errc::invalid_syntax ||
                  e.code == Errc::bad_spi || e.code == Errc::too_many ||
                  e.code == Errc::unsupported_critical_payload)
          << what << ": " << e.to_string();
      EXPECT_TRUE(e.notify.has_value()) << what << ": " << e.to_string();
      if (v < f.minimum) {
        EXPECT_EQ(e.code, Errc::bad_length) << what << ": " << e.to_string();
      }
      if (v == 0xffff) {
        EXPECT_EQ(e.code, Errc::truncated) << what << ": " << e.to_string();
      }
    }
  }
}

// --- Single payload bodies -------------------------------------------------

// A payload parse error: the given Errc, answered with INVALID_SYNTAX, and a
// detail that contains `detail`.
template <typename T>
void expect_error(const Result<T>& r, Errc code, std::string_view detail) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, code) << r.error().to_string();
  EXPECT_EQ(r.error().notify, notify_number(NotifyType::INVALID_SYNTAX));
  EXPECT_NE(r.error().detail.find(detail), std::string::npos) << r.error().detail;
}

// What a parse of a cut body must fail with.
struct ExpectedError {
  Errc code;
  std::string_view detail;
};

// Parses body.first(n) for every n in [from, to) and expects the error that
// expected(n) names (an ExpectedError).
template <typename Parse, typename Expected>
void expect_prefixes_fail(const Bytes& body, size_t from, size_t to, Parse parse, Expected expected) {
  for (size_t n = from; n < to; ++n) {
    SCOPED_TRACE(n);
    ExpectedError e = expected(n);
    expect_error(parse(ByteView{body}.first(n)), e.code, e.detail);
  }
}

// The same with one error for every prefix.
template <typename Parse>
void expect_prefixes_fail(const Bytes& body, size_t from, size_t to, Parse parse, Errc code,
                          std::string_view detail) {
  expect_prefixes_fail(body, from, to, parse, [&](size_t) { return ExpectedError{code, detail}; });
}

// Parses body.first(n) for every n in [from, to); each must parse, and
// check(n, value) judges what it gave (for fields the generic header delimits).
template <typename Parse, typename Check>
void expect_prefixes_parse(const Bytes& body, size_t from, size_t to, Parse parse, Check check) {
  for (size_t n = from; n < to; ++n) {
    SCOPED_TRACE(n);
    auto value = parse(ByteView{body}.first(n));
    ASSERT_TRUE(value.has_value());
    check(n, *value);
  }
}

// Sets each octet of `body` to each of the 256 values in turn and hands every
// mutated copy to `check`; finishing the loop is the "never crashes" part.
template <typename Check>
void for_each_single_octet_change(const Bytes& body, Check check) {
  for (size_t at = 0; at < body.size(); ++at) {
    for (int v = 0; v < 256; ++v) {
      Bytes mutated = body;
      mutated[at] = static_cast<uint8_t>(v);
      check(mutated);
    }
  }
}

// Every single-octet change that still parses builds back to exactly the
// mutated octets (codecs that keep every field as received).
template <typename Parse, typename Build>
void expect_every_octet_change_builds_back(const Bytes& body, Parse parse, Build build) {
  for_each_single_octet_change(body, [&](const Bytes& mutated) {
    auto value = parse(mutated);
    if (!value) return;
    EXPECT_EQ(build(*value), mutated);
  });
}

// Every single-octet change that still parses builds to octets that parse
// again to the same value (codecs that normalise, e.g. RESERVED fields).
template <typename Parse, typename Build>
void expect_every_octet_change_reparses_stably(const Bytes& body, Parse parse, Build build) {
  for_each_single_octet_change(body, [&](const Bytes& mutated) {
    auto value = parse(mutated);
    if (!value) return;
    auto again = parse(build(*value));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *value);
  });
}

}  // namespace tern::wire::checks
