#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>

#include "base/error.h"

namespace tern::crypto {

namespace {

// RAND_bytes output drawn kBuffer octets at a time, per thread: each
// RAND_bytes call costs a getpid system call (OpenSSL 3.0's DRBG checks for a
// fork every time) and DRBG locking whatever its size, and an IKE SA setup
// asks for ~8 small pieces (SPIs, nonce, key-exchange private value, message
// IDs). Octets are wiped as they are handed out and the rest when the thread
// ends. Per thread, so OpenSslRandom stays stateless and shareable. A forked
// child must not hand out what its parent still holds: the fork count,
// raised in the child (pthread_atfork), makes every buffer start afresh.
std::atomic<uint64_t> forks{0};

class RandomBuffer {
 public:
  RandomBuffer() = default;
  ~RandomBuffer() { OPENSSL_cleanse(buffer_, sizeof buffer_); }
  RandomBuffer(const RandomBuffer&) = delete;
  RandomBuffer& operator=(const RandomBuffer&) = delete;

  void fill(MutableByteView out) {
    if (const uint64_t now = forks.load(std::memory_order_relaxed); now != forks_seen_) [[unlikely]] {
      OPENSSL_cleanse(buffer_, sizeof buffer_);
      left_ = 0;
      forks_seen_ = now;
    }
    if (out.size() > kBuffer) {  // large requests straight from the DRBG
      if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) TERN_BUG("RAND_bytes failed");
      return;
    }
    if (left_ < out.size()) {
      if (RAND_bytes(buffer_, static_cast<int>(kBuffer)) != 1) TERN_BUG("RAND_bytes failed");
      left_ = kBuffer;
    }
    uint8_t* from = buffer_ + (kBuffer - left_);
    std::copy_n(from, out.size(), out.data());
    OPENSSL_cleanse(from, out.size());
    left_ -= out.size();
  }

 private:
  static constexpr size_t kBuffer = 256;
  uint8_t buffer_[kBuffer] = {};
  size_t left_ = 0;  // unused octets at the end of buffer_
  uint64_t forks_seen_ = forks.load(std::memory_order_relaxed);
};

void count_fork_in_child() {
  forks.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void OpenSslRandom::fill(MutableByteView out) {
  if (out.empty()) return;
  static const bool registered = pthread_atfork(nullptr, nullptr, count_fork_in_child) == 0;
  if (!registered) TERN_BUG("pthread_atfork failed");
  thread_local RandomBuffer buffer;
  buffer.fill(out);
}

void SeededRandom::fill(MutableByteView out) {
  size_t done = 0;
  while (done < out.size()) {
    uint8_t input[16];
    for (int i = 0; i < 8; ++i) input[i] = static_cast<uint8_t>(seed_ >> (56 - 8 * i));
    for (int i = 0; i < 8; ++i) input[8 + i] = static_cast<uint8_t>(counter_ >> (56 - 8 * i));
    ++counter_;
    uint8_t block[SHA256_DIGEST_LENGTH];
    SHA256(input, sizeof input, block);
    size_t n = std::min(out.size() - done, sizeof block);
    std::copy_n(block, n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
}

}  // namespace tern::crypto
