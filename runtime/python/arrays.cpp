// The pool of large array memory behind python::empty(): freed blocks are kept by size, up
// to a bound, and handed out again whole.

#include <runtime/python/arrays.hpp>

#include <cstdlib>
#include <map>
#include <new>

namespace norn::python {

namespace {

struct pool {
  std::multimap<std::size_t, void*> free;  ///< bytes → blocks of exactly that many
  std::size_t kept = 0;                    ///< bytes in `free`
  /// More than a few sequences' worth of arrays is not kept: memory goes back to the system.
  static constexpr std::size_t limit = std::size_t(1) << 30;
};

/// Never destroyed: an array may be freed after static destructors ran, at the interpreter's exit.
pool& the_pool() {
  static auto* p = new pool;
  return *p;
}

}  // namespace

void* pooled_memory(std::size_t bytes) {
  auto& pl = the_pool();
  if (auto it = pl.free.find(bytes); it != pl.free.end()) {
    void* p = it->second;
    pl.free.erase(it);
    pl.kept -= bytes;
    return p;
  }
  void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!p) throw std::bad_alloc();
  return p;
}

void release_pooled_memory(void* p, std::size_t bytes) {
  auto& pl = the_pool();
  // the smallest blocks leave first when the pool is full
  while (pl.kept + bytes > pool::limit && !pl.free.empty()) {
    auto it = pl.free.begin();
    pl.kept -= it->first;
    std::free(it->second);
    pl.free.erase(it);
  }
  if (bytes > pool::limit) {
    std::free(p);
    return;
  }
  pl.free.emplace(bytes, p);
  pl.kept += bytes;
}

}  // namespace norn::python
