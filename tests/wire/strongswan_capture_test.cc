// Real IKEv2 messages captured between two strongSwan 5.9.8 peers
// (tests/data/strongswan/, see its README.md): six suites, each
//   HDR, SAi1, KEi, Ni, N(NAT_DETECTION_*), ...                -->
//   <--  HDR, SAr1, KEr, Nr, [CERTREQ], N(...)
//   HDR, SK {IDi, N(INITIAL_CONTACT), IDr, AUTH, SAi2, TSi, TSr, ...}  -->
//   <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr, ...}
//   HDR, SK {D}  -->    <--  HDR, SK {}
// Independent evidence: the codec must parse every one, re-encode it octet for
// octet, agree with the SPIs and nonces tshark extracted, and give a named
// error for every truncation and every wrong length field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "codec_checks.h"
#include "wire/message.h"
#include "wire/payload_rules.h"
#include "wire_samples.h"

namespace tern::wire {

namespace {

namespace fs = std::filesystem;

const fs::path kCaptures = fs::path(TERN_SOURCE_DIR) / "tests/data/strongswan";

struct Captured {
  std::string name;  // "aes128gcm16-prfsha256-x25519/01-IKE_SA_INIT-request"
  Bytes bytes;
};

std::string fmt_spi(uint64_t spi) {
  Bytes b;
  ByteWriter{b}.u64(spi);
  return to_hex(b);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> suites() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kCaptures)) {
    if (entry.is_directory()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Captured> messages_of(const fs::path& suite) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(suite / "messages")) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Captured> out;
  for (const fs::path& f : files) {
    std::string text = read_text(f);
    text.erase(std::remove_if(text.begin(), text.end(),
                              [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               text.end());
    out.push_back({suite.filename().string() + "/" + f.stem().string(), samples::hex(text)});
  }
  return out;
}

std::map<std::string, std::string> keys_of(const fs::path& suite) {
  std::map<std::string, std::string> keys;
  std::istringstream in(read_text(suite / "keys.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find(" = ");
    if (eq != std::string::npos) keys[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return keys;
}

std::vector<Captured> all_messages() {
  std::vector<Captured> all;
  for (const fs::path& suite : suites()) {
    std::vector<Captured> m = messages_of(suite);
    all.insert(all.end(), m.begin(), m.end());
  }
  return all;
}

TEST(StrongswanCapture, SixSuitesOfSixMessages) {
  ASSERT_TRUE(fs::is_directory(kCaptures)) << kCaptures;
  std::vector<fs::path> s = suites();
  ASSERT_EQ(s.size(), 6u);
  for (const fs::path& suite : s) EXPECT_EQ(messages_of(suite).size(), 6u) << suite;
}

TEST(StrongswanCapture, EveryMessageParsesAndReencodesOctetForOctet) {
  for (const Captured& c : all_messages()) {
    auto m = parse_message(c.bytes);
    ASSERT_TRUE(m) << c.name << ": " << m.error().to_string();
    EXPECT_EQ(to_hex(build_message(*m)), to_hex(c.bytes)) << c.name;
  }
}

TEST(StrongswanCapture, HeadersAndNoncesAgreeWithTshark) {
  for (const fs::path& suite : suites()) {
    std::map<std::string, std::string> keys = keys_of(suite);
    std::vector<Captured> messages = messages_of(suite);
    ASSERT_EQ(messages.size(), 6u);
    const ExchangeType exchanges[] = {ExchangeType::IKE_SA_INIT,   ExchangeType::IKE_SA_INIT,
                                      ExchangeType::IKE_AUTH,      ExchangeType::IKE_AUTH,
                                      ExchangeType::INFORMATIONAL, ExchangeType::INFORMATIONAL};
    for (size_t i = 0; i < messages.size(); ++i) {
      auto m = parse_message(messages[i].bytes);
      ASSERT_TRUE(m) << messages[i].name;
      const IkeHeader& h = m->header;
      EXPECT_EQ(fmt_spi(h.spi_i), keys["SPIi"]) << messages[i].name;
      if (i > 0) {
        EXPECT_EQ(fmt_spi(h.spi_r), keys["SPIr"]) << messages[i].name;
      }
      EXPECT_EQ(h.exchange, exchanges[i]) << messages[i].name;
      EXPECT_EQ(h.is_response(), i % 2 == 1) << messages[i].name;
      EXPECT_TRUE(h.is_initiator() == (i % 2 == 0)) << messages[i].name;
      if (h.exchange == ExchangeType::IKE_SA_INIT) {
        const Payload* nonce = find_payload(m->payloads, PayloadType::Nonce);
        ASSERT_NE(nonce, nullptr) << messages[i].name;
        EXPECT_EQ(to_hex(std::get<NoncePayload>(nonce->body).data), keys[i == 0 ? "Ni" : "Nr"])
            << messages[i].name;
        ASSERT_NE(find_payload(m->payloads, PayloadType::KE), nullptr) << messages[i].name;
        EXPECT_NE(find_notify(m->payloads, NotifyType::NAT_DETECTION_SOURCE_IP), nullptr) << messages[i].name;
        auto ok = check_payload_rules(h.exchange, h.is_response() ? Direction::response : Direction::request,
                                      m->payloads, {});
        EXPECT_TRUE(ok) << messages[i].name << ": " << ok.error().to_string();
      } else {
        // HDR, SK {...}: one SK, last, naming the first inner payload.
        ASSERT_EQ(m->payloads.size(), 1u) << messages[i].name;
        const auto* sk = std::get_if<SkPayload>(&m->payloads[0].body);
        ASSERT_NE(sk, nullptr) << messages[i].name;
        PayloadType expected_first = i == 2   ? PayloadType::IDi
                                     : i == 3 ? PayloadType::IDr
                                     : i == 4 ? PayloadType::Delete
                                              : PayloadType::NONE;
        EXPECT_EQ(sk->first_inner, expected_first) << messages[i].name;
      }
    }
  }
}

TEST(StrongswanCapture, SelectedProposalIsOneProposal) {
  for (const fs::path& suite : suites()) {
    auto response = parse_message(messages_of(suite)[1].bytes);
    ASSERT_TRUE(response) << suite;
    const Payload* sa = find_payload(response->payloads, PayloadType::SA);
    ASSERT_NE(sa, nullptr) << suite;
    const auto& proposals = std::get<SaPayload>(sa->body).proposals;
    ASSERT_EQ(proposals.size(), 1u) << suite;
    EXPECT_EQ(proposals[0].protocol, ProtocolId::IKE) << suite;
    EXPECT_TRUE(proposals[0].spi.empty()) << suite;
  }
}

TEST(StrongswanCapture, EveryTruncationIsNamed) {
  for (const Captured& c : all_messages()) checks::expect_every_truncation_is_named(c.bytes, c.name);
}

TEST(StrongswanCapture, EveryWrongLengthIsNamed) {
  for (const Captured& c : all_messages()) checks::expect_every_wrong_length_is_named(c.bytes, c.name);
}

}  // namespace
}  // namespace tern::wire
