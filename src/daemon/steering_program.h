// The classic BPF program ternd attaches to each SO_REUSEPORT group of its
// UDP sockets (SO_ATTACH_REUSEPORT_CBPF, Linux >= 4.5) so that the kernel
// puts each IKE datagram on the socket of the worker that owns its IKE SA
// (docs/architecture.md "Workers"). For UDP the program sees the payload
// (the UDP header is pulled); it returns the index of a socket in the group,
// and indexes follow the order in which the sockets joined it: ternd opens
// the event loop's socket first (index 0), then worker 0's (index 1), worker
// 1's (index 2), ... (Daemon::open_worker_sockets).
//
//   port 500 (`natt` false), the payload is the IKE header:
//     shorter than an IKE header (28 octets)   -> 0 (the loop)
//     our SPI set                              -> 1 + (its top octet % workers)
//     our SPI zero (IKE_SA_INIT request)       -> 1 + ((SPIi[0..3] ^ SPIi[4..7]) % workers)
//     (our SPI: SPIr when the Initiator flag is set, SPIi otherwise)
//   port 4500 (`natt` true):
//     a non-zero first 32 bits (ESP, RFC 3948 §2.2), or shorter than the
//     non-ESP marker                           -> 0 (the loop: the data plane)
//     a zero marker                            -> the port-500 rule 4 octets later
//
// This is shard_for_datagram (shard_dispatch.h) plus one; the unit tests run
// the program on crafted datagrams against it. Nothing depends on the program
// for correctness: each thread checks what it reads and forwards what is not
// its own.
//
// Pure function; nothing fails. `workers` is at least 2 (one worker has no
// group: it runs on the loop with one socket).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace tern::daemon {

std::vector<sock_filter> steering_program(uint32_t workers, bool natt);

}  // namespace tern::daemon
