// [connection.local] and [connection.remote]: how each side authenticates
// and its identity.
//
//   auth = "psk"      a [[secret]] of type psk for the two ids (load.cc)
//   auth = "pubkey"   local:  cert = "a.pem" (end entity, optionally followed
//                             by its intermediates), certs = ["int.pem"]
//                             (more intermediates, each added to the chains
//                             it continues), key = "a.key" (PEM, owner-only
//                             permissions); or cert = ["rsa.pem", "ec.pem"]
//                             with key = ["rsa.key", "ec.key"]: several,
//                             chosen per IKE SA by the peer's CERTREQ
//                     remote: cacerts = ["ca.pem"], crls = ["ca.crl"]
//   id                default: the side's IP address (ID_IPV4_ADDR /
//                     ID_IPV6_ADDR); with local auth = "pubkey" the
//                     certificate's subject DN; with remote auth = "pubkey"
//                     %any (any certificate the cacerts vouch for)
//
// Files are read here, at load time (relative paths from the configuration
// file's directory), so that a missing file, a key that does not match the
// certificate, a key others may read or an id the certificate does not carry
// is a configuration error with file:line, not an IKE_AUTH failure later.
//
// Who calls it: connection_section, once per side. Problems go to the
// connection's reader.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

enum class Side : uint8_t { local, remote };

struct PeerSettings {
  bool psk = false;                 // auth = "psk" was read
  bool pubkey = false;              // auth = "pubkey" was read
  std::optional<ike::Identity> id;  // the id written, or the default; nullopt when it was wrong
  // local pubkey, when every one loaded: cert[i] with key[i], the first the default
  std::vector<std::shared_ptr<const ike::LocalCredential>> credentials;
  std::shared_ptr<const crypto::TrustStore> trust;  // remote pubkey, when it loaded
  std::vector<LoadedCertificate> certificates;
  std::vector<std::string> crl_files;
  // SHA-256 over the contents of every file read, for the reload fingerprint.
  std::string files_digest;
};

// `address`: the side's IKE address (for the default id), nullopt when it was wrong.
PeerSettings read_peer(TableReader& connection, Side side, const std::optional<ike::Address>& address);

// The identity an address stands for (ID_IPV4_ADDR / ID_IPV6_ADDR).
ike::Identity address_identity(const ike::Address& address);

}  // namespace tern::config
