// Named counters for every drop and teardown path of an Endpoint, for
// `ternctl stats` and tests (STYLE.md #10). Plain data, incremented by the
// Endpoint and the task manager.
#pragma once

#include <cstdint>

namespace tern::ike {

struct EndpointCounters {
  uint64_t datagrams_received = 0;
  uint64_t dropped_malformed = 0;            // parse_message failed, bad non-ESP marker
  uint64_t dropped_no_sa = 0;                // no IKE SA for the SPIs
  uint64_t dropped_no_connection = 0;        // IKE_SA_INIT from an address no connection names
  uint64_t dropped_bad_message_id = 0;       // outside the window, or a response we did not ask for
  uint64_t dropped_undecodable = 0;          // SK open (ICV) or payload rules failed
  uint64_t dropped_retransmit_mismatch = 0;  // old Message ID but not byte-identical to the cached request
  uint64_t retransmits_sent = 0;
  uint64_t cached_responses_sent = 0;
  uint64_t ike_sas_established = 0;
  uint64_t ike_sas_destroyed = 0;
  uint64_t child_sas_installed = 0;
};

}  // namespace tern::ike
