// What a task may ask of the Endpoint's table of IKE SAs (endpoint.h): an
// IKE SPI of our own that no other SA uses, and a new IKE SA in the table.
// Only ike_rekey needs it (§2.18: a rekey makes a new IKE SA with new SPIs);
// the Endpoint implements it and hands it to tasks in TaskContext::table.
#pragma once

#include <cstdint>
#include <memory>

#include "ike/address.h"
#include "ike/connection_config.h"
#include "ike/effects.h"
#include "ike/task.h"

namespace tern::ike {

class IkeSa;

class IkeSaTable {
 public:
  virtual ~IkeSaTable() = default;
  // A fresh non-zero SPI, reserved until released or used by create().
  virtual uint64_t reserve_spi() = 0;
  virtual void release_spi(uint64_t spi) = 0;
  // A new IKE SA in the table, found by its SPI of ours (spi_i when `role` is
  // initiator, else spi_r, reserved with reserve_spi()) from now on.
  virtual IkeSa& create(Role role, std::shared_ptr<const ConnectionConfig> config, const Address& local,
                        const Address& remote, uint64_t spi_i, uint64_t spi_r) = 0;
  // The SA with this id, or nullptr when it is gone.
  virtual IkeSa* find(IkeSaId id) = 0;
  // Send the queued requests of SA `id` once the current input is handled
  // (tasks it inherited from a rekeyed IKE SA).
  virtual void initiate_later(IkeSaId id) = 0;
  // Inbound ESP SPIs are ours to choose (RFC 4301 §4.1) and must be unique:
  // a fresh one (>= 256) that no CHILD_SA in the table uses.
  virtual uint32_t allocate_esp_spi() = 0;
  // The CHILD_SA with inbound SPI `spi_in` now lives on IKE SA `owner`
  // (installed, or moved there by an IKE SA rekey); or is gone.
  virtual void child_owned(uint32_t spi_in, IkeSaId owner) = 0;
  virtual void child_gone(uint32_t spi_in) = 0;
};

}  // namespace tern::ike
