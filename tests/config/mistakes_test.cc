// An operator's typical mistakes, one class per test: each is refused with
// file:line:column, the dotted key, what is wrong and what is allowed.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_test_support.h"

namespace tern::config {
namespace {

using testing::contains;
using testing::only_problem;
using testing::problems_of;
using testing::texts;

using testing::site_b;

TEST(Mistakes, TheValidBaseLoads) {
  LoadResult r = testing::load(site_b("name = \"site-b\"\n"));
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(texts(r.error()));
  EXPECT_TRUE(r->warnings.empty());
}

TEST(Mistakes, AMisspeltKeyIsRefusedWithTheClosestAllowedKey) {
  Problem p = only_problem(site_b("name = \"site-b\"\nrekey_tme = \"4h\"\n"));
  EXPECT_EQ(p.to_string(),
            "tern.toml:3:1: connection[0].rekey_tme: unknown key 'rekey_tme' in [[connection]]; did you mean "
            "'rekey_time'? (allowed: name, local_addrs, remote_addrs, proposals, rekey_time, reauth_time, "
            "rand_time, over_time, dpd_delay, dpd_action, mobike, encap, start_action, window_size, "
            "fragmentation, local, remote, child)");
}

TEST(Mistakes, AnUnknownKeyFarFromAnyAllowedOneGetsNoSuggestion) {
  Problem p = only_problem("[daemon]\npidfile = \"/run/ternd.pid\"\n");
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.key, "daemon.pidfile");
  EXPECT_EQ(p.message.find("did you mean"), std::string::npos) << p.message;
  EXPECT_TRUE(contains(p.message, "unknown key 'pidfile' in [daemon] (allowed: control_socket, listen, "));
}

TEST(Mistakes, AValueOfTheWrongTypeSaysWhatWasExpected) {
  Problem p = only_problem("[daemon]\nike_port = \"500\"\n");
  EXPECT_EQ(p.to_string(), "tern.toml:2:12: daemon.ike_port: expected an integer, got a string");

  p = only_problem(site_b("name = \"site-b\"\nencap = \"yes\"\n"));
  EXPECT_EQ(p.to_string(),
            "tern.toml:3:9: connection[0].encap: expected a boolean (true or false), got a string");

  p = only_problem(site_b("name = \"site-b\"\nproposals = \"aes128gcm16-prfsha256-x25519\"\n"));
  EXPECT_EQ(p.key, "connection[0].proposals");
  EXPECT_EQ(
      p.message,
      "expected an array of strings, got a string (write proposals = [\"aes128gcm16-prfsha256-x25519\"])");

  p = only_problem("[connection]\nname = \"site-b\"\n");
  EXPECT_EQ(p.to_string(),
            "tern.toml:1:1: connection: expected an array of tables ([[connection]]), got a table");
}

constexpr std::string_view kChildWithSelectors = R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.1/24"]
  remote_ts = ["10.2.0.0/33", "10.2.0/24"]

[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)";

TEST(Mistakes, ASelectorWithHostBitsAPrefixTooLongOrNoAddressIsRefused) {
  EXPECT_EQ(
      texts(problems_of(kChildWithSelectors)),
      (std::vector<std::string>{
          "tern.toml:11:15: connection[0].child[0].local_ts[0]: '10.1.0.1/24' has host bits set; the subnet "
          "is 10.1.0.0/24",
          "tern.toml:12:16: connection[0].child[0].remote_ts[0]: '10.2.0.0/33': prefix length 33 is longer "
          "than 32 bits of an IPv4 address",
          "tern.toml:12:31: connection[0].child[0].remote_ts[1]: '10.2.0/24' is not an IP address, subnet or "
          "range (e.g. 10.1.0.0/24, 2001:db8::/64, 192.0.2.7 or 10.1.0.10-10.1.0.20)",
      }));
}

TEST(Mistakes, AnUnknownProposalKeywordSuggestsAndListsTheKeywords) {
  Problem p = only_problem(site_b("name = \"site-b\"\nproposals = [\"aes129-sha256-modp2048\"]\n"));
  EXPECT_EQ(p.line, 3u);
  EXPECT_EQ(p.column, 14u);
  EXPECT_EQ(p.key, "connection[0].proposals[0]");
  EXPECT_TRUE(contains(p.message,
                       "unknown keyword 'aes129', did you mean 'aes128'? (encryption: aes128 aes192 "
                       "aes256 aes128gcm16 aes192gcm16 aes256gcm16 chacha20poly1305; integrity: "));
  EXPECT_TRUE(contains(p.message, "groups: modp2048 modp3072 modp4096 ecp256 ecp384 ecp521 x25519 x448)"));
}

TEST(Mistakes, AnAeadCipherWithAnIntegrityKeywordIsRefused) {
  Problem p =
      only_problem(site_b("name = \"site-b\"\nproposals = [\"aes256gcm16-sha256-prfsha256-ecp384\"]\n"));
  EXPECT_EQ(
      p.to_string(),
      "tern.toml:3:14: connection[0].proposals[0]: aes256gcm16 is an AEAD cipher and takes no integrity "
      "keyword; remove sha256");
}

TEST(Mistakes, AProposalWithoutAGroupIsRefused) {
  Problem p = only_problem(site_b("name = \"site-b\"\nproposals = [\"aes256-sha256\"]\n"));
  EXPECT_EQ(p.to_string(),
            "tern.toml:3:14: connection[0].proposals[0]: 'aes256-sha256' has no key exchange group (groups: "
            "modp2048 modp3072 modp4096 ecp256 ecp384 ecp521 x25519 x448)");
}

TEST(Mistakes, APskConnectionWithoutAMatchingSecretIsRefused) {
  std::string text = site_b("name = \"site-b\"\n");
  text.replace(text.find("\"b@example.org\"]"), 16, "\"c@example.org\"]");  // the secret is for a and c
  Problem p = only_problem(text);
  EXPECT_EQ(p.to_string(),
            "tern.toml:1:1: connection[0]: no [[secret]] of type psk for ids rfc822:a@example.org and "
            "rfc822:b@example.org (add one whose ids list both, or \"%any\")");
}

TEST(Mistakes, TwoConnectionsWithOneNameAreRefusedAtTheSecond) {
  std::string text = site_b("name = \"site-b\"\n") + R"(
[[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.3"]
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "b@example.org"
  [[connection.child]]
  name = "net"
)";
  Problem p = only_problem(text);
  EXPECT_EQ(
      p.to_string(),
      "tern.toml:20:8: connection[1].name: duplicate connection name 'site-b' (first used by connection[0] "
      "at line 2)");
}

TEST(Mistakes, TwoChildrenWithOneNameAreRefused) {
  Problem p = only_problem(R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"
  [[connection.child]]
  name = "net"
  [[connection.child]]
  name = "net"

[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)");
  EXPECT_EQ(p.to_string(),
            "tern.toml:12:10: connection[0].child[1].name: a second child named 'net' in connection "
            "'site-b': child "
            "names must be unique within a connection (ternctl up/down/rekey CONN/CHILD names one)");
}

TEST(Mistakes, AConnectionWithoutAChildIsRefused) {
  Problem p = only_problem(R"([[connection]]
name = "site-b"
local_addrs = ["192.0.2.1"]
remote_addrs = ["192.0.2.2"]
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "psk"

[[secret]]
type = "psk"
ids = ["%any"]
secret = "correct horse battery staple"
)");
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.key, "connection[0].child");
  EXPECT_TRUE(contains(p.message,
                       "missing required key 'child' in [[connection]] (a [[connection.child]] with a "
                       "name; the first child is made in IKE_AUTH, any further one with its own "
                       "CREATE_CHILD_SA)"));
}

TEST(Mistakes, ADurationNeedsAUnit) {
  Problem p = only_problem(site_b("name = \"site-b\"\ndpd_delay = 30\n"));
  EXPECT_EQ(
      p.to_string(),
      "tern.toml:3:13: connection[0].dpd_delay: expected a duration string with a unit, got the integer 30 "
      "(write \"30s\" for seconds; units: ms, s, m, h, d)");

  for (std::string_view bad : {"-5s", "nans", "infs", "1e3s", "5", "s", "5 s"}) {
    p = only_problem(site_b("name = \"site-b\"\ndpd_delay = \"" + std::string(bad) + "\"\n"));
    EXPECT_TRUE(contains(p.message, "is not a duration")) << bad;
  }
  p = only_problem(site_b("name = \"site-b\"\ndpd_delay = \"30 seconds\"\n"));
  EXPECT_EQ(p.to_string(),
            "tern.toml:3:13: connection[0].dpd_delay: '30 seconds' is not a duration (a number and a unit: "
            "\"250ms\", \"90s\", \"30m\", \"4h\", \"1d\")");
}

TEST(Mistakes, PortsMustBeInRangeAndDiffer) {
  Problem p = only_problem("[daemon]\nnatt_port = 70000\n");
  EXPECT_EQ(p.to_string(), "tern.toml:2:13: daemon.natt_port: natt_port must be 1..65535, got 70000");

  p = only_problem("[daemon]\nike_port = 0\n");
  EXPECT_EQ(p.to_string(), "tern.toml:2:12: daemon.ike_port: ike_port must be 1..65535, got 0");

  p = only_problem("[daemon]\nike_port = 4500\n");
  EXPECT_EQ(
      p.to_string(),
      "tern.toml:2:12: daemon.ike_port: ike_port and natt_port must differ (both are 4500; the defaults are "
      "500 and 4500)");
}

TEST(Mistakes, RetransmitSettingsAreChecked) {
  EXPECT_EQ(
      texts(problems_of(R"([daemon]
retransmit_timeout = "0s"
retransmit_base = 0.5
retransmit_tries = 21
)")),
      (std::vector<std::string>{
          "tern.toml:2:22: daemon.retransmit_timeout: retransmit_timeout must be longer than zero (default "
          "\"4s\")",
          "tern.toml:3:19: daemon.retransmit_base: retransmit_base must be 1.0..100 (each retransmit waits "
          "base times longer than the previous; default 1.8), got 0.5",
          "tern.toml:4:20: daemon.retransmit_tries: retransmit_tries must be 0..20, got 21",
      }));
}

TEST(Mistakes, AddressesMustBeOneLiteralOfOneFamily) {
  std::string any = site_b("name = \"site-b\"\n");
  any.replace(any.find("[\"192.0.2.2\"]"), 13, "[\"%any\"]");
  EXPECT_EQ(
      only_problem(any).to_string(),
      "tern.toml:4:17: connection[0].remote_addrs[0]: '%any' is not supported yet: this build needs one "
      "literal IP address (the engine matches exact addresses)");

  std::string two = site_b("name = \"site-b\"\n");
  two.replace(two.find("[\"192.0.2.2\"]"), 13, "[\"192.0.2.2\", \"192.0.2.3\"]");
  EXPECT_EQ(only_problem(two).to_string(),
            "tern.toml:4:16: connection[0].remote_addrs: this build needs exactly one literal IP address in "
            "remote_addrs (the engine matches exact addresses), got 2");

  std::string v6 = site_b("name = \"site-b\"\n");
  v6.replace(v6.find("[\"192.0.2.2\"]"), 13, "[\"2001:db8::2\"]");
  EXPECT_EQ(
      only_problem(v6).to_string(),
      "tern.toml:4:16: connection[0].remote_addrs: local_addrs is 192.0.2.1 but remote_addrs is 2001:db8::2: "
      "the address families must agree");
}

TEST(Mistakes, ARemotePrefixMakesAResponderOnlyConnection) {
  std::string range = site_b("name = \"site-b\"\n");
  range.replace(range.find("[\"192.0.2.2\"]"), 13, "[\"198.18.0.0/15\"]");
  LoadResult r = testing::load(range);
  ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(texts(r.error()));
  ASSERT_EQ(r->connections.size(), 1u);
  EXPECT_TRUE(r->connections[0].engine->responder_only());
  EXPECT_EQ(*r->connections[0].engine->remote_prefix, 15);

  std::string host_bits = site_b("name = \"site-b\"\n");
  host_bits.replace(host_bits.find("[\"192.0.2.2\"]"), 13, "[\"198.19.0.1/15\"]");
  EXPECT_EQ(only_problem(host_bits).to_string(),
            "tern.toml:4:17: connection[0].remote_addrs[0]: '198.19.0.1/15' has host bits set: the prefix is "
            "198.18.0.0/15");

  std::string too_long = site_b("name = \"site-b\"\n");
  too_long.replace(too_long.find("[\"192.0.2.2\"]"), 13, "[\"198.18.0.0/33\"]");
  EXPECT_NE(only_problem(too_long).to_string().find("is neither an IP address nor a prefix"),
            std::string::npos);

  std::string starts = site_b("name = \"site-b\"\nstart_action = \"start\"\n");
  starts.replace(starts.find("[\"192.0.2.2\"]"), 13, "[\"198.18.0.0/15\"]");
  EXPECT_EQ(only_problem(starts).to_string(),
            "tern.toml:3:16: connection[0].start_action: remote_addrs is a prefix (198.18.0.0/15): this "
            "connection only answers peers in it, so it cannot start or trap (use start_action = \"none\")");
}

TEST(Mistakes, ADistinguishedNameWithAnUnknownAttributeIsRefused) {
  std::string text = site_b("name = \"site-b\"\n");
  text.replace(text.find("id = \"a@example.org\""), 20, "id = \"C=CH, XY=Example, CN=a\"");
  Problem p = only_problem(text);
  EXPECT_EQ(p.line, 7u);
  EXPECT_EQ(p.key, "connection[0].local.id");
  EXPECT_TRUE(contains(p.message, "'XY=Example' in DN 'C=CH, XY=Example, CN=a': unknown attribute type"))
      << p.message;
}

TEST(Mistakes, ASyntaxErrorIsOneProblemWithItsPosition) {
  Problem p = only_problem("[daemon]\nike_port = 500\nlisten = [\"0.0.0.0\"\n");
  EXPECT_EQ(p.file, "tern.toml");
  EXPECT_EQ(p.line, 3u);
  EXPECT_TRUE(contains(p.message, "TOML syntax: "));
}

TEST(Mistakes, AnUnreadableFileIsOneProblemNamingIt) {
  LoadResult r = load_file("/nonexistent/tern.toml");
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].to_string(),
            "/nonexistent/tern.toml: cannot read the configuration file: No such file or directory");
}

TEST(Mistakes, SeveralProblemsAreReportedTogetherInFileOrder) {
  // Keys inside a TOML table come back sorted by name; the problems must not.
  std::vector<Problem> problems = problems_of(R"([daemon]
natt_port = 70000
log_level = "verbose"

[[connection]]
name = "site b"
remote_addrs = ["192.0.2.2"]
local_addrs = ["192.0.2.1"]
proposals = ["aes128gcm16-x25519"]
dpd_action = "hold"
  [connection.local]
  auth = "psk"
  [connection.remote]
  auth = "eap-mschapv2"
  [[connection.child]]
  name = "net"
  esp_proposals = ["aes128gcm16-prfsha256"]

[[secret]]
type = "psk"
ids = ["%any"]
secret = ""
)");
  EXPECT_EQ(
      texts(problems),
      (std::vector<std::string>{
          "tern.toml:2:13: daemon.natt_port: natt_port must be 1..65535, got 70000",
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): long lines are split on purpose
          "tern.toml:3:13: daemon.log_level: unknown value 'verbose' for log_level (allowed: debug, info, "
          "notice, warning, error)",
          "tern.toml:6:8: connection[0].name: connection name 'site b' must be 1..64 characters of letters, "
          "digits, '.', '_' and '-'",
          "tern.toml:9:14: connection[0].proposals[0]: AEAD proposals need a prf keyword, e.g. prfsha256",
          "tern.toml:10:14: connection[0].dpd_action: unknown value 'hold' for dpd_action (allowed: clear, "
          "restart, trap)",
          "tern.toml:14:10: connection[0].remote.auth: auth = eap-mschapv2 is not supported yet (supported: "
          "psk, pubkey)",
          "tern.toml:17:20: connection[0].child[0].esp_proposals[0]: 'prfsha256' is a prf keyword: it "
          "belongs "
          "in the connection's proposals (ESP keys come from the IKE SA's prf)",
          "tern.toml:22:10: secret[0].secret: the secret is empty",
      }));
}

}  // namespace
}  // namespace tern::config
