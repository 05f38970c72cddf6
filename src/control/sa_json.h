// The `list-sas` result (DESIGN.md "Contracts"; docs/control.md has the
// schema): one JSON array of IKE SAs, each with its CHILD_SAs, made from the
// engine's IkeSaStatus.
//
// Called by ternd when it answers a list-sas request; `ternctl list-sas
// --json` prints it and `ternctl status` renders it (status_table.h).
// Nothing here fails. Field names are a contract: scripts parse them.
//
// JSON null means "not known" or "not measured", never zero: established_at
// before IKE_AUTH completed, remote_id before the peer authenticated, proposal
// before IKE_SA_INIT completed, and the CHILD_SA traffic counters (bytes_in,
// bytes_out, packets_in, packets_out), which no data plane measures yet.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time.h"
#include "crypto/suite.h"
#include "ike/endpoint.h"

namespace tern::control {

// Turns the engine's monotonic Timestamps into RFC 3339 UTC text
// ("2025-03-01T12:00:05Z"). ternd supplies it from its clocks; tests pin it.
struct WallClock {
  std::function<std::string(Timestamp)> format;
};

// The IKE proposal as strongSwan's swanctl shows it:
// "AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519".
std::string ike_proposal_text(const crypto::IkeSuite& suite);

// 16 lower-case hex digits for IKE SPIs, 8 for ESP SPIs.
std::string spi_hex(uint64_t ike_spi);
std::string spi_hex(uint32_t esp_spi);

nlohmann::json child_sa_json(const ike::ChildSa& child);
nlohmann::json ike_sa_json(const ike::IkeSaStatus& sa, const WallClock& clock);
nlohmann::json list_sas_json(const std::vector<ike::IkeSaStatus>& sas, const WallClock& clock);

}  // namespace tern::control
