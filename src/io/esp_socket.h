// Plain ESP (IP protocol 50) for SAs without UDP encapsulation: a raw socket
// per address family. The kernel adds the outer IP header on send; on receive
// the IPv4 header is stripped here (IPv6 raw sockets deliver without it), so
// the handler gets the ESP packet starting at the SPI, with the addresses.
//
// Who calls it: the daemon's data plane, once per family it has SAs for.
// How it fails: open() needs CAP_NET_RAW (an Error says so); send() returns
// an Error for counting; malformed IPv4 headers are counted and dropped.
#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <memory>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "ike/address.h"
#include "io/recv_batch.h"

namespace tern::io {

using EspHandler =
    std::function<void(const ike::Address& local, const ike::Address& remote, MutableByteView esp_packet)>;

class EspSocket {
 public:
  static Result<std::unique_ptr<EspSocket>> open(asio::io_context& io, ike::AddressFamily family);
  EspSocket(const EspSocket&) = delete;
  EspSocket& operator=(const EspSocket&) = delete;

  // Called after each burst of datagrams handed to the handler (the data
  // plane flushes what it coalesced).
  void set_drained(std::function<void()> drained) { drained_ = std::move(drained); }
  void start(EspHandler handler);
  Result<void> send(const ike::Address& local, const ike::Address& remote, ByteView esp_packet);
  // Several datagrams to one destination with one sendmmsg(2) (the data
  // plane's batches). Returns how many were sent; an Error only when none was.
  Result<size_t> send_batch(const ike::Address& local, const ike::Address& remote,
                            std::span<const ByteView> packets);
  uint64_t receive_errors() const { return receive_errors_ + batch_.errors(); }

 private:
  EspSocket(asio::io_context& io, int fd, ike::AddressFamily family);
  void wait();
  void drain();

  asio::posix::stream_descriptor descriptor_;
  ike::AddressFamily family_;
  EspHandler handler_;
  static constexpr size_t kBatch = 32;
  static constexpr int kMaxRounds = 4;
  RecvBatch batch_;
  std::function<void()> drained_;
  uint64_t receive_errors_ = 0;
};

}  // namespace tern::io
