#pragma once
/// Large arrays for inputs, recordings and outputs. `buffer<T>` is a std::vector whose
/// storage of 4 MiB or more is mapped with MAP_POPULATE (its pages are faulted in at once,
/// when it is allocated, rather than one fault per 4 KiB page on first write), and whose
/// elements are left uninitialized when resized: kernels write every element anyway.

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace norn {

template <class T>
struct big_allocator {
  using value_type = T;
  static constexpr std::size_t threshold = std::size_t(4) << 20;

  big_allocator() = default;
  template <class U>
  big_allocator(const big_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < threshold) return std::allocator<T>().allocate(n);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < threshold) std::allocator<T>().deallocate(p, n);
    else ::munmap(p, n * sizeof(T));
  }
  /// Default-initialization: no zeroing of elements the caller is about to overwrite.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <class U>
  bool operator==(const big_allocator<U>&) const noexcept {
    return true;
  }
};

/// A large array (see big_allocator); `buffer<float> b(n)` leaves its elements uninitialized.
template <class T>
using buffer = std::vector<T, big_allocator<T>>;

}  // namespace norn
