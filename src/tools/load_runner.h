// The tern-load run: thousands of IKEv2 initiators from one process, each
// IKE SA in its own ike::Endpoint (the sans-I/O engine), over one pair of
// UDP sockets per local address (docs/tern-load.md).
//
// Why one Endpoint per IKE SA rather than one Endpoint with many: an
// Endpoint's inputs walk its whole SA table (reap, next_deadline, the
// INITIAL_CONTACT check in start_initiator), so one Endpoint holding n SAs
// costs O(n) per datagram and O(n^2) per run. A one-SA Endpoint makes every
// input O(1); the runner keeps the only shared structures: SPI -> setup for
// incoming datagrams and a min-heap of deadlines for timers. Endpoints are
// cheap (a few hundred octets plus the SA) and go as soon as their setup is
// over: once established (the responder keeps its SA), or, with --delete,
// once the Delete is answered.
//
// Bounded: no setup starts after options.duration; the run ends when every
// started setup is over, each failing at options.timeout at the latest.
//
// How it fails: run_load returns an Error only when it cannot start (a
// socket cannot be bound); failures of setups are counted in the report.
#pragma once

#include <memory>
#include <vector>

#include "base/error.h"
#include "ike/connection_config.h"
#include "tools/load_options.h"
#include "tools/load_report.h"

namespace tern::tools {

// `connections[i]` is the connection for options.locals[i] (load<i>).
Result<LoadReport> run_load(const LoadOptions& options,
                            std::vector<std::shared_ptr<const ike::ConnectionConfig>> connections,
                            const ike::EndpointConfig& endpoint_template);

}  // namespace tern::tools
