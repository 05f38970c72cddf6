// invalid_spi_notice: the responder's reading of N(INVALID_SPI) in an
// INFORMATIONAL request (RFC 7296 §3.10.1: "MAY be sent in an IKE
// INFORMATIONAL exchange when a node receives an ESP or AH packet with an
// invalid SPI. The Notification Data contains the SPI of the invalid packet").
//
//   HDR, SK {N(INVALID_SPI, spi)}  -->
//                     <--  HDR, SK {}
//
// It arrives protected by the IKE SA, so it is authentic: the peer no longer
// has the inbound SA for what we send to `spi` (it restarted that CHILD_SA,
// lost it, or deleted it and our Delete crossed). Our half of that CHILD_SA is
// useless, so it is removed (RemoveChildSa for the data plane, Event
// child_sa_removed); counter invalid_spi_reported, and peer_restarts_suspected.
// Then the connection's dpd_action says what comes next:
//   restart  the child is made again on this IKE SA (CREATE_CHILD_SA,
//            tasks/child_create_additional.h);
//   trap     Event dpd_action: the daemon installs the connection's trap again,
//            and traffic brings the child back (acquire);
//   clear    nothing more.
// Nothing is sent for the removed child (the peer has no SA to delete). An SPI
// that names none of our CHILD_SAs (one already removed, say), one of a child
// we are deleting, or data that is not 4 octets is reported and changes
// nothing. Never fails.
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
