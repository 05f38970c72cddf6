// The TUN device the userspace ESP data plane sits behind (DESIGN.md "ESP
// data plane"): the kernel routes traffic for remote traffic selectors into
// it (routes: io/netlink.h); what we read is one plain IP packet per read, and
// what we write is delivered by the kernel as if it had arrived on the device.
//
// Who calls it: the daemon's data plane opens it once (name from the config,
// `tern0` by default), reads with start() and writes decapsulated packets.
//
// The device is opened with IFF_VNET_HDR and TCP segmentation offload
// (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6): reads may return TCP super-packets
// of up to 64 KiB, which the data plane segments (io/tun_offload.h); writes
// carry a zero header (a complete packet, checksum done).
//
// How it fails: open() returns an Error naming the device and the reason
// (no /dev/net/tun, no CAP_NET_ADMIN, a name in use by another kind of
// device). write() failures are returned for counting; reads that fail are
// counted and reading goes on.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "io/tun_offload.h"

namespace tern::io {

// `header`: the virtio-net header the kernel put in front of the packet
// (GSO super-packets and checksums still to be completed: io/tun_offload.h).
using PacketHandler = std::function<void(const VnetHeader& header, MutableByteView packet)>;

class TunDevice {
 public:
  static Result<std::unique_ptr<TunDevice>> open(asio::io_context& io, const std::string& name, uint32_t mtu);
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  // Starts reading; `handler` gets each IP packet (a view into a buffer
  // reused for the next packet: handle it before returning).
  void start(PacketHandler handler);
  Result<void> write(ByteView packet);
  // A packet with its virtio-net header (a coalesced super-packet: io/tun_gro.h).
  Result<void> write(const VnetHeader& header, ByteView packet);

  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }
  uint32_t mtu() const { return mtu_; }
  uint64_t read_errors() const { return read_errors_; }

 private:
  TunDevice(asio::io_context& io, int fd, std::string name, int ifindex, uint32_t mtu);
  void wait();
  void drain();

  asio::posix::stream_descriptor descriptor_;
  std::string name_;
  int ifindex_ = 0;
  uint32_t mtu_ = 0;
  PacketHandler handler_;
  std::vector<uint8_t> buffer_;
  uint64_t read_errors_ = 0;
};

}  // namespace tern::io
