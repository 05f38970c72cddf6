// child_delete: deleting a CHILD_SA with an INFORMATIONAL exchange (RFC 7296
// §1.4.1, §3.11). A CHILD_SA is a pair; each end names its INBOUND SPI.
//
//   HDR, SK {D(ESP, SPI_in of the initiator of this exchange)}  -->
//              <--  HDR, SK {D(ESP, SPI_in of the responder: the paired SA)}
//
// Initiator (`DownChild`, or a hard lifetime limit the data plane reported;
// either original role): made with the child's inbound SPI (the child is
// found by SPI each time, never held by pointer) and the reason to record;
// marks it deleting and removes it when the answer arrives (by default
// "deleted by local request"). Responder: removes every CHILD_SA whose outbound SPI the peer
// names and answers with their inbound SPIs ("deleted by peer"); an SPI it
// does not know is ignored (counted; §3.11; remembered in
// IkeSa::unknown_spis_deleted, for an answer to our rekey it overtook), so
// that request gets an empty INFORMATIONAL. Crossing deletes (§1.4.1): a child we are already deleting
// is removed and NOT named in our answer. Never fails.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ike/task.h"

namespace tern::ike {

class ChildDelete final : public Task {
 public:
  // Responder.
  ChildDelete() : Task(Role::responder) {}
  // Initiator: delete the CHILD_SA whose inbound SPI is `spi_in`.
  explicit ChildDelete(uint32_t spi_in, std::string reason = "deleted by local request")
      : Task(Role::initiator), spi_in_(spi_in), reason_(std::move(reason)) {}
  // Initiator: tell the peer to delete the CHILD_SA it installed for a child
  // we refused (e.g. its IKE_AUTH answer's selectors were not a subset of
  // ours): we never installed our half, so D(ESP, spi_in) goes out without
  // one and the answer removes nothing here.
  static std::unique_ptr<ChildDelete> refused(uint32_t spi_in) {
    auto task = std::make_unique<ChildDelete>(spi_in);
    task->refused_ = true;
    return task;
  }

  TaskType type() const override { return TaskType::child_delete; }
  TaskStatus build(TaskContext& ctx, IkeMessage& msg) override;
  TaskStatus process(TaskContext& ctx, const IkeMessage& msg) override;

 private:
  uint32_t spi_in_ = 0;           // initiator: the child to delete
  std::string reason_;            // initiator: why (RemoveChildSa, Event)
  bool refused_ = false;          // initiator: the child exists only at the peer
  std::vector<uint32_t> answer_;  // responder: our inbound SPIs of the children the peer deleted
};

// Removes the CHILD_SA with inbound SPI `spi_in` from the IKE SA: the
// RemoveChildSa effect and a child_sa_removed Event, both with `reason`.
// Nothing happens if there is none.
void remove_child(TaskContext& ctx, uint32_t spi_in, std::string_view reason);
// The same for a CHILD_SA of `sa`, which need not be ctx.sa. `replaced`: a
// reauthentication's IKE SA carries the traffic now (ChildSa::inbound_grace).
void remove_child(TaskContext& ctx, IkeSa& sa, uint32_t spi_in, std::string_view reason,
                  bool replaced = false);

}  // namespace tern::ike
