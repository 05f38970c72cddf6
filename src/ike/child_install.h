// Installing a new CHILD_SA, for child_create (IKE_AUTH), child_create_additional
// and child_rekey (CREATE_CHILD_SA): KEYMAT = prf+(SK_d, [g^ir (new)] | Ni | Nr) (RFC 7296
// §2.17), then an InstallChildSa effect, a child_sa_installed Event, and the
// ChildSa on the IKE SA with its rekey deadline (rekey_time minus a random
// jitter of up to rand_time; ChildConfig::limits) and its hard
// deadline (expire_at: life_time after now; a rekey's successor gets its own).
//
// Who calls it: those two tasks, once both SPIs, the suite and the selectors
// are agreed. Ni / Nr and "initiator" are those of the exchange that made
// the CHILD_SA (§2.17: the keys for traffic from the exchange's initiator
// come first). How it fails: key derivation can fail only for a suite tern
// has no key sizes for; then nothing is installed, a child_sa_failed Event
// says why and it returns false.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/random.h"
#include "ike/connection_config.h"
#include "ike/task.h"
#include "wire/ts_payload.h"

namespace tern::ike {

struct NewChild {
  uint32_t spi_in = 0;
  uint32_t spi_out = 0;
  EspSuite suite;
  std::vector<wire::TrafficSelector> local_ts;
  std::vector<wire::TrafficSelector> remote_ts;
  ChildMode mode = ChildMode::tunnel;
  bool defer_outbound = false;  // InstallChildSa::defer_outbound (the responder of a rekey)
};

// `config`: the connection's child it is an instance of (its name and limits).
// `g_ir` empty: no PFS. `exchange_role`: our role in the exchange that made it.
bool install_child(TaskContext& ctx, const ChildConfig& config, NewChild child, ByteView g_ir, ByteView Ni,
                   ByteView Nr, Role exchange_role);

// When a CHILD_SA installed at `now` is to be rekeyed: rekey_time minus a
// random jitter in [0, rand_time] (never before now); nullopt without rekey_time.
std::optional<Timestamp> child_rekey_deadline(const ChildLimits& limits, crypto::Random& random,
                                              Timestamp now);

// A fresh SPI for our inbound ESP SA: values below 256 are reserved (RFC 4303 §2.1).
uint32_t allocate_esp_spi(TaskContext& ctx);

}  // namespace tern::ike
