// Heap allocation counting for tern benchmarks: every C++ operator new (the
// global one is replaced in alloc_counter.cc) and, once
// count_openssl_allocations() succeeded, every OpenSSL malloc/realloc.
// Kept in its own file so that the compiler never inlines the replaced
// operator new/delete into code that it would then flag as mismatched.
#pragma once

namespace tern::bench {

// Must run before OpenSSL allocates anything (first thing in main). False if
// too late: then only C++ allocations are counted.
bool count_openssl_allocations();
// Allocations so far (monotonic).
long allocation_count();

}  // namespace tern::bench
