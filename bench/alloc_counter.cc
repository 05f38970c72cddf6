#include "alloc_counter.h"

#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<long> g_allocations{0};

void count() {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
}

void* counting_malloc(size_t n, const char*, int) {
  count();
  return std::malloc(n);
}
void* counting_realloc(void* p, size_t n, const char*, int) {
  count();
  return std::realloc(p, n);
}
void counting_free(void* p, const char*, int) {
  std::free(p);
}

}  // namespace

void* operator new(size_t n) {
  count();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  return ::operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, size_t) noexcept {
  std::free(p);
}

namespace tern::bench {

bool count_openssl_allocations() {
  return CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free) == 1;
}

long allocation_count() {
  return g_allocations.load(std::memory_order_relaxed);
}

}  // namespace tern::bench
