// Canonical serialization + SHA-256 (see fingerprint.h).
#include "config/fingerprint.h"

#include <fmt/format.h>

#include "crypto/hash.h"

namespace tern::config {
namespace {

std::string identity_text(const ike::Identity& id) {
  if (id.any) return "%any";
  return fmt::format("{}:{}", static_cast<unsigned>(id.type), to_hex(id.data));
}

std::string selector_text(const wire::TrafficSelector& ts) {
  return fmt::format("{}:{}", static_cast<unsigned>(ts.type), ts.to_string());
}

}  // namespace

std::string fingerprint(const ike::ConnectionConfig& c, StartAction start_action,
                        std::string_view files_digest) {
  // One "key=value" line per field; lists repeat their key. The version line
  // lets a future format change every fingerprint at once.
  std::string text = "tern-connection-fingerprint-v1\n";
  auto line = [&text](std::string_view key, const std::string& value) {
    text += fmt::format("{}={}\n", key, value);
  };
  line("name", c.name);
  line("local", c.local.to_string());
  line("remote", c.remote.to_string());
  if (c.remote_prefix) line("remote_prefix", std::to_string(*c.remote_prefix));  // only when set (as below)
  for (const crypto::IkeSuite& s : c.proposals) line("proposal", s.to_string());
  line("local_id", identity_text(c.local_id));
  line("remote_id", identity_text(c.remote_id));
  line("force_encap", c.force_encap ? "1" : "0");
  line("mobike", c.mobike ? "1" : "0");
  line("retransmit_timeout_us", std::to_string(c.retransmit.timeout.count()));
  line("retransmit_base", fmt::format("{:a}", c.retransmit.base));
  line("retransmit_tries", std::to_string(c.retransmit.tries));
  line("dpd_delay_us", std::to_string(c.dpd_delay.count()));
  line("dpd_action", std::string(to_string(c.dpd_action)));
  line("window_size", std::to_string(c.window_size));
  line("fragmentation", std::string(to_string(c.fragmentation)));
  // One block per child, in order (the first is the IKE_AUTH child).
  for (const ike::ChildConfig& child : c.children) {
    line("child_name", child.name);
    for (const ike::EspSuite& s : child.esp_proposals) line("esp_proposal", s.to_string());
    for (const wire::TrafficSelector& ts : child.local_ts) line("local_ts", selector_text(ts));
    for (const wire::TrafficSelector& ts : child.remote_ts) line("remote_ts", selector_text(ts));
    line("mode", child.mode == ike::ChildMode::tunnel ? "tunnel" : "transport");
    // Only when set: fingerprints of connections without volume limits stay as they were.
    const ike::ChildLimits& l = child.limits;
    if (l != ike::ChildLimits{}) {
      line("child_limits", fmt::format("rekey_bytes={} life_bytes={} rekey_packets={} life_packets={}",
                                       l.rekey_bytes, l.life_bytes, l.rekey_packets, l.life_packets));
      if (l.rekey_time != Duration{0} || l.rand_time != Duration{0} || l.life_time != Duration{0})
        line("child_rekey_time",
             fmt::format("rekey_time={} rand_time={} life_time={}", format_duration(l.rekey_time),
                         format_duration(l.rand_time), format_duration(l.life_time)));
    }
  }
  const ike::IkeLifetimes& ike = c.ike_lifetimes;
  if (ike != ike::IkeLifetimes{})
    line("ike_lifetimes", fmt::format("rekey_time={} reauth_time={} rand_time={} over_time={}",
                                      format_duration(ike.rekey_time), format_duration(ike.reauth_time),
                                      format_duration(ike.rand_time), format_duration(ike.over_time)));
  line("start_action", std::string(to_string(start_action)));
  line("psk_octets", std::to_string(c.psk.size()));
  // Only with auth = "pubkey": the methods and the contents of the certificate, key, CA and CRL files,
  // so that a reload picks up a renewed certificate or a fresh CRL.
  if (c.local_auth != ike::AuthKind::psk || c.remote_auth != ike::AuthKind::psk) {
    line("auth", fmt::format("{}/{}", to_string(c.local_auth), to_string(c.remote_auth)));
    line("files", std::string(files_digest));
  }
  crypto::Sha256Digest digest = crypto::sha256({as_bytes(text), c.psk.view()});
  return to_hex(digest);
}

}  // namespace tern::config
