// `list-certs`: the loaded certificates with their expiry (control/cert_json.h).
#include "control/cert_json.h"

#include <gtest/gtest.h>

namespace tern::control {
namespace {

constexpr int64_t kNow = 1'796'126'400;  // 2026-12-01 12:00:00 UTC
constexpr int64_t kDay = 86400;

CertListing cert(std::string role, int64_t not_after) {
  return {
      "site-b",  std::move(role),  "C=CH, O=tern, CN=a.example.org", "C=CH, O=tern, CN=tern Intermediate CA",
      not_after, "/etc/tern/a.pem"};
}

TEST(ListCerts, EachCertificateWithItsExpiryAndState) {
  const nlohmann::json list = list_certs_json(
      {cert("local", kNow + 365 * kDay), cert("intermediate", kNow + 10 * kDay + 5), cert("ca", kNow - 1)},
      kNow);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["connection"], "site-b");
  EXPECT_EQ(list[0]["role"], "local");
  EXPECT_EQ(list[0]["subject"], "C=CH, O=tern, CN=a.example.org");
  EXPECT_EQ(list[0]["issuer"], "C=CH, O=tern, CN=tern Intermediate CA");
  EXPECT_EQ(list[0]["file"], "/etc/tern/a.pem");
  EXPECT_EQ(list[0]["not_after"], "2027-12-01 12:00:00 UTC");
  EXPECT_EQ(list[0]["state"], "valid");
  EXPECT_EQ(list[0]["days_left"], 365);
  EXPECT_EQ(list[1]["state"], "expires soon");  // under 30 days
  EXPECT_EQ(list[1]["days_left"], 10);
  EXPECT_EQ(list[2]["state"], "expired");
  EXPECT_EQ(list[2]["days_left"], -1);
  EXPECT_EQ(list[2]["not_after"], "2026-12-01 11:59:59 UTC");
}

TEST(ListCerts, ExpiredFromItsNotAfterSecondOn) {
  // As OpenSSL (and the expiry watch) count it: at notAfter it is expired.
  EXPECT_EQ(list_certs_json({cert("local", kNow)}, kNow)[0]["state"], "expired");
  EXPECT_EQ(list_certs_json({cert("local", kNow + 1)}, kNow)[0]["state"], "expires soon");
}

TEST(ListCerts, TheTableNamesEverythingAndSaysSoWhenThereIsNothing) {
  const std::string table = render_certs(list_certs_json({cert("local", kNow + 20 * kDay)}, kNow));
  EXPECT_NE(table.find("site-b local expires soon"), std::string::npos) << table;
  EXPECT_NE(table.find("2026-12-21 12:00:00 UTC (20 days left)"), std::string::npos) << table;
  EXPECT_NE(table.find("/etc/tern/a.pem"), std::string::npos) << table;
  EXPECT_NE(render_certs(nlohmann::json::array()).find("no certificates loaded"), std::string::npos);
  EXPECT_NE(render_certs(nlohmann::json::object()).find("not a list"), std::string::npos);
}

}  // namespace
}  // namespace tern::control
