// The `list-certs` result: the certificates ternd loaded from its
// configuration (docs/control.md), with their expiry, so that an operator
// sees what is about to run out before the certificate-expiry watch
// (ike/cert_expiry.cc) ends a tunnel.
//
//   [{"connection": "site-b", "role": "local", "subject": "C=CH, O=tern, CN=a",
//     "issuer": "...", "not_after": "2027-12-01 10:00:00 UTC", "file": "/etc/tern/a.pem",
//     "state": "valid", "days_left": 364}, ...]
//
// state: "valid", "expires soon" (less than 30 days left) or "expired";
// days_left is whole days (negative once expired). ternd builds the
// listing from config/; ternctl prints it (render_certs) or the JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tern::control {

struct CertListing {
  std::string connection;
  std::string role;  // local | intermediate | ca
  std::string subject;
  std::string issuer;
  int64_t not_after = 0;  // Unix seconds (UTC)
  std::string file;
};

// now: Unix seconds (UTC).
nlohmann::json list_certs_json(const std::vector<CertListing>& certs, int64_t now);
// The table `ternctl list-certs` prints.
std::string render_certs(const nlohmann::json& list);

}  // namespace tern::control
