// invalid_spi_notice: the responder's reading of N(INVALID_SPI) in an
// INFORMATIONAL request (RFC 7296 §3.10.1: "MAY be sent in an IKE
// INFORMATIONAL exchange when a node receives an ESP or AH packet with an
// invalid SPI. The Notification Data contains the SPI of the invalid packet").
//
//   HDR, SK {N(INVALID_SPI, spi)}  -->
//                     <--  HDR, SK {}
//
// It arrives protected by the IKE SA, so it is authentic, but it only says
// that the peer drops what we send to `spi`: tern reports it (Event
// invalid_spi_reported naming our CHILD_SA, counter invalid_spi_reported) and
// changes nothing. Recovering the CHILD_SA (e.g. after a peer restart) belongs
// to dead peer detection. An SPI that names none of our outbound SAs is
// counted and reported the same way. Never fails.
#pragma once

#include "ike/task.h"

namespace tern::ike {

class InvalidSpiNotice final : public Task {
 public:
  InvalidSpiNotice() : Task(Role::responder) {}
  TaskType type() const override { return TaskType::invalid_spi_notice; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;
};

}  // namespace tern::ike
