// OpenSslRandom hands out RAND_bytes output from a 256-octet buffer per
// thread (crypto/random.cc): pieces must never repeat across refills or
// between a parent and a forked child, and requests larger than the buffer
// come straight from the DRBG.
#include "crypto/random.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace tern::crypto {
namespace {

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

TEST(OpenSslRandom, PiecesAcrossManyRefillsAreAllDifferent) {
  OpenSslRandom random;
  std::set<Bytes> seen;
  // 8-octet SPIs, 32-octet nonces and private values, odd sizes that straddle a refill.
  for (int i = 0; i < 500; ++i) {
    for (size_t size : {8u, 32u, 32u, 3u, 13u}) {
      Bytes b = random.bytes(size);
      ASSERT_EQ(b.size(), size);
      if (size >= 8) {
        EXPECT_FALSE(all_zero(b));
        EXPECT_TRUE(seen.insert(b).second) << "repeated " << size << "-octet piece";
      }
    }
  }
}

TEST(OpenSslRandom, RequestsLargerThanTheBufferAreFilled) {
  OpenSslRandom random;
  const Bytes a = random.bytes(1000);
  const Bytes b = random.bytes(257);
  EXPECT_FALSE(all_zero(Bytes(a.begin() + 900, a.end())));  // the tail too, not only a buffer's worth
  EXPECT_FALSE(all_zero(Bytes(b.begin() + 250, b.end())));
  EXPECT_NE(Bytes(a.begin(), a.begin() + 257), b);
}

TEST(OpenSslRandom, TwoObjectsDrawIndependently) {
  OpenSslRandom one, two;
  EXPECT_NE(one.bytes(32), two.bytes(32));
  EXPECT_EQ(one.secret(0).size(), 0u);
}

TEST(OpenSslRandom, AForkedChildDoesNotRepeatWhatItsParentDrawsNext) {
  OpenSslRandom random;
  (void)random.bytes(8);  // the buffer now holds 248 unused octets
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const Bytes b = random.bytes(32);
    const ssize_t n = ::write(pipe_fds[1], b.data(), b.size());
    ::_exit(n == 32 ? 0 : 1);
  }
  const Bytes parent = random.bytes(32);
  Bytes from_child(32);
  ASSERT_EQ(::read(pipe_fds[0], from_child.data(), from_child.size()), 32);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  EXPECT_NE(parent, from_child);
}

}  // namespace
}  // namespace tern::crypto
