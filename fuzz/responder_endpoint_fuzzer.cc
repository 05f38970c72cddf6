// Fuzz target: a responder Endpoint driven through sequences of messages,
// with pinned randomness so that its states after IKE_SA_INIT and after
// IKE_AUTH are reached and the fuzzer's bytes land inside messages it can
// decrypt.
//
// Each input is a fresh world: initiator A (192.0.2.1) and responder B
// (192.0.2.2), both tern Endpoints with SeededRandom (so every genuine
// message is the same from run to run), a PSK connection with one CHILD_SA
// and IKE fragmentation. A's datagrams queue up for B; B's answers go to A at
// once. The input is a program of one-octet operations, read from the front:
//
//   0 deliver   the next genuine datagram of A to B (if none: A starts `up`)
//   1 flip      deliver a copy of A's next datagram with up to 4 octets XORed
//               (offset: 2 octets, value: 1 octet each; the original is lost)
//   2 reseal    open A's next datagram with B's keys, change its inner payload
//               chain (truncate / overwrite / insert, from the input), seal it
//               again with A's keys: an AUTHENTIC malformed message
//   3 raw       a datagram from the input (length octet + octets), with A's
//               SPIs of its latest IKE SA written over its header when long
//               enough and asked to (so it reaches that SA's task manager)
//   4 time      the clock moves 0-255 s; both sides' timers run
//   5 command   A: Rekey IKE SA / Rekey child / DownChild / UpChild / Down / Up
//   6 drop      A's next datagram is lost
//   7 dup       A's next datagram is delivered twice
//   8 field     reseal with one header field changed (exchange, Message ID,
//               response flag) before sealing: authentic but wrong state
//
// Ops are taken modulo 9; at most 64 per input. Nothing is asserted beyond
// "no crash, no sanitizer report, no TERN_BUG"; the bad-input suite
// (tests/robustness) says what the right answers are.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "endpoint_peer.h"
#include "ike/endpoint.h"
#include "wire/message.h"

using namespace tern;
using namespace tern::ike;

namespace {

const Address kA = Address::ipv4({192, 0, 2, 1}, 500);
const Address kB = Address::ipv4({192, 0, 2, 2}, 500);

std::shared_ptr<const ConnectionConfig> connection(bool initiator) {
  ConnectionConfig c;
  c.name = initiator ? "a-b" : "b-a";
  c.local = initiator ? kA : kB;
  c.remote = initiator ? kB : kA;
  c.proposals = {crypto::IkeSuite{wire::EncrId::AES_GCM_16, 128, wire::PrfId::HMAC_SHA2_256,
                                  wire::IntegId::NONE, wire::KeGroup::CURVE25519}};
  c.local_id = initiator ? Identity::rfc822("a@example.org") : Identity::fqdn("b.example.org");
  c.remote_id = initiator ? Identity::fqdn("b.example.org") : Identity::rfc822("a@example.org");
  c.psk = SecretBytes(as_bytes("correct horse battery staple"));
  c.children[0].name = "net";
  c.children[0].esp_proposals = {
      EspSuite{wire::EncrId::AES_GCM_16, 128, wire::IntegId::NONE, wire::EsnId::NO_ESN}};
  auto net = [](uint8_t n) { return wire::TrafficSelector::ipv4_range({10, n, 0, 0}, {10, n, 0, 255}); };
  c.children[0].local_ts = {net(initiator ? 1 : 2)};
  c.children[0].remote_ts = {net(initiator ? 2 : 1)};
  return std::make_shared<const ConnectionConfig>(std::move(c));
}

EndpointConfig endpoint_config(bool initiator) {
  EndpointConfig e;
  e.connections = {connection(initiator)};
  return e;
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t u8() { return at_ < size_ ? data_[at_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  Bytes take(size_t n) {
    n = std::min(n, size_ - std::min(at_, size_));
    Bytes out(data_ + at_, data_ + at_ + n);
    at_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

class World {
 public:
  World() : a_(endpoint_config(true), random_a_), b_(endpoint_config(false), random_b_) {}

  void run(Input& in) {
    for (int step = 0; step < 64 && !in.empty(); ++step) {
      switch (in.u8() % 9) {
        case 0: deliver_next(); break;
        case 1: flip(in); break;
        case 2: reseal(in, false); break;
        case 3: raw(in); break;
        case 4: advance(in); break;
        case 5: command(in); break;
        case 6:
          if (!to_b_.empty()) to_b_.pop_front();
          break;
        case 7:
          if (!to_b_.empty()) to_b(to_b_.front());
          deliver_next();
          break;
        case 8: reseal(in, true); break;
      }
    }
  }

 private:
  void deliver_next() {
    if (to_b_.empty()) {
      (void)a_.command(Up{"a-b"}, now_);
      pump();
      if (to_b_.empty()) return;
    }
    Bytes d = std::move(to_b_.front());
    to_b_.pop_front();
    to_b(d);
  }
  void to_b(const Bytes& d) {
    b_.on_datagram(kB, kA, d, now_);
    pump();
  }
  // B's datagrams go to A at once, A's queue up for B (bounded).
  void pump() {
    for (int round = 0; round < 8; ++round) {
      bool any = false;
      for (Effect& e : b_.take_effects()) {
        if (auto* send = std::get_if<Send>(&e)) {
          a_.on_datagram(kA, kB, send->bytes, now_);
          any = true;
        }
      }
      for (Effect& e : a_.take_effects()) {
        if (auto* send = std::get_if<Send>(&e)) {
          if (to_b_.size() < 64) to_b_.push_back(std::move(send->bytes));
        }
      }
      if (!any) return;
    }
  }
  void flip(Input& in) {
    if (to_b_.empty()) return;
    Bytes d = std::move(to_b_.front());
    to_b_.pop_front();
    const uint8_t n = static_cast<uint8_t>(in.u8() % 4 + 1);
    for (uint8_t i = 0; i < n && !d.empty(); ++i) {
      const size_t at = in.u16() % d.size();
      d[at] ^= static_cast<uint8_t>(in.u8() | 1);
    }
    to_b(d);
  }
  // A's IKE SA whose SPIs `header` carries, if any.
  std::optional<IkeSaId> a_sa_for(const wire::IkeHeader& header) {
    for (const IkeSaStatus& s : a_.status()) {
      if (s.spi_i == header.spi_i && (s.spi_r == header.spi_r || header.spi_r == 0)) return s.id;
    }
    return std::nullopt;
  }
  void reseal(Input& in, bool change_header) {
    if (to_b_.empty()) return;
    const Bytes d = std::move(to_b_.front());
    to_b_.pop_front();
    Result<wire::Message> parsed = wire::parse_message(d);
    if (!parsed || parsed->payloads.empty() || parsed->payloads.back().type != wire::PayloadType::SK) return;
    Result<IkeMessage> opened = EndpointPeer::open(b_, d);
    if (!opened) return;
    std::optional<IkeSaId> sa = a_sa_for(parsed->header);
    if (!sa) return;
    wire::InnerChain chain = wire::encode_inner_chain(opened->payloads);
    Bytes inner = std::move(chain.bytes);
    switch (in.u8() % 4) {
      case 0: inner.resize(inner.empty() ? 0 : in.u16() % inner.size()); break;
      case 1:
        for (uint8_t i = 0, n = static_cast<uint8_t>(in.u8() % 8 + 1); i < n && !inner.empty(); ++i)
          inner[in.u16() % inner.size()] = in.u8();
        break;
      case 2: {
        const size_t at = inner.empty() ? 0 : in.u16() % (inner.size() + 1);
        const Bytes extra = in.take(in.u8() % 64);
        inner.insert(inner.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
        break;
      }
      case 3: chain.first = static_cast<wire::PayloadType>(in.u8()); break;
    }
    wire::IkeHeader header = parsed->header;
    if (change_header) {
      switch (in.u8() % 3) {
        case 0: header.exchange = static_cast<wire::ExchangeType>(34 + in.u8() % 4); break;
        case 1: header.message_id += static_cast<uint32_t>(in.u8() % 8) - 2u; break;
        case 2: header.flags ^= wire::kFlagResponse; break;
      }
    }
    wire::SkPayload sk;
    sk.first_inner = chain.first;
    wire::Message m{header, {wire::Payload{wire::PayloadType::SK, false, sk}}};
    to_b(EndpointPeer::seal_raw(a_, *sa, m, inner));
  }
  void raw(Input& in) {
    const bool with_spis = (in.u8() & 1) != 0;
    Bytes d = in.take(in.u8());
    if (with_spis && d.size() >= 16) {
      std::vector<IkeSaStatus> sas = a_.status();
      if (!sas.empty()) {
        for (size_t i = 0; i < 8; ++i) {
          d[i] = static_cast<uint8_t>(sas.back().spi_i >> (56 - 8 * i));
          d[8 + i] = static_cast<uint8_t>(sas.back().spi_r >> (56 - 8 * i));
        }
      }
    }
    to_b(d);
  }
  void advance(Input& in) {
    now_ += seconds(in.u8());
    a_.on_timer(now_);
    b_.on_timer(now_);
    pump();
  }
  void command(Input& in) {
    switch (in.u8() % 6) {
      case 0: (void)a_.command(Rekey{"a-b", ""}, now_); break;
      case 1: (void)a_.command(Rekey{"a-b", "net"}, now_); break;
      case 2: (void)a_.command(DownChild{"a-b", "net"}, now_); break;
      case 3: (void)a_.command(UpChild{"a-b", "net"}, now_); break;
      case 4: (void)a_.command(Down{"a-b"}, now_); break;
      case 5: (void)a_.command(Up{"a-b"}, now_); break;
    }
    pump();
  }

  crypto::SeededRandom random_a_{11};
  crypto::SeededRandom random_b_{22};
  Endpoint a_;
  Endpoint b_;
  std::deque<Bytes> to_b_;
  Timestamp now_ = timestamp_from_us(1'000'000);
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  World world;
  world.run(in);
  return 0;
}
