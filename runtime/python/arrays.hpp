#pragma once
/// NumPy arrays as the bindings take and give them: values of a requested dtype in C order,
/// without a copy when the caller's array already is one; every mistake a bad_input (a
/// ValueError in Python) or a TypeError naming the argument, never a crash.

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn::python {

namespace py = pybind11;

/// What a Python argument must be, when it is of another kind: a TypeError.
struct type_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};


/// `h` as an array of real numbers (a list is converted), with `flags` (py::array::c_style
/// for C order: a copy only when it is not): anything else (strings, objects, complex values,
/// None) is a type_error naming `what`.
inline py::array real_array(py::handle h, std::string_view what, int flags = 0) {
  if (h.is_none()) throw type_error(fmt::format("norn: {} must be an array, got None", what));
  py::array a;
  try {
    a = py::array::ensure(h, flags);
  } catch (const py::error_already_set&) {
  }
  if (!a) throw type_error(fmt::format("norn: {} must be an array of numbers, got {}", what, std::string(py::str(py::type::of(h)))));
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
    throw type_error(fmt::format("norn: {} must hold real numbers, got dtype {}", what, std::string(py::str(a.dtype()))));
  return a;
}

/// `h` as a C-ordered array of T: the same object when it already is one (no copy), else a
/// converted copy; what real_array() refuses is refused.
template <class T>
py::array_t<T, py::array::c_style> as_array(py::handle h, std::string_view what) {
  auto typed = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(real_array(h, what));
  if (!typed) throw type_error(fmt::format("norn: {} cannot be read as {}", what, sizeof(T) == 4 ? "float32" : "float64"));
  return typed;
}

/// The values of `a` as a span.
template <class T>
std::span<const T> values(const py::array_t<T, py::array::c_style>& a) {
  return {a.data(), std::size_t(a.size())};
}

/// Its dimensions.
inline std::vector<std::size_t> dims(const py::array& a) {
  std::vector<std::size_t> d;
  for (py::ssize_t k = 0; k < a.ndim(); ++k) d.push_back(std::size_t(a.shape(k)));
  return d;
}

/// The shape of `a`, as "[a, b, c]".
inline std::string shape_text(const py::array& a) { return npy::shape_text(dims(a)); }

/// bad_input unless every value of `a` is finite.
template <class T>
void require_finite(const py::array_t<T, py::array::c_style>& a, std::string_view what) {
  const auto v = values(a);
  for (std::size_t k = 0; k < v.size(); ++k)
    if (!std::isfinite(v[k])) fail("norn: {} holds {} at flat index {}, not a finite number", what, double(v[k]), k);
}

/// `bytes` of memory for an array, reused from an array freed before when one of that size
/// is kept (a fresh page costs a fault: 12 µs apiece measured on this project's 2-core VM, so
/// a training loop that allocated its [T, B, N] outputs anew spent more on faults than on
/// the kernels); `release` hands it back. Called with the GIL held. The `norn` command keeps
/// freed memory by setting glibc's thresholds for its whole process (cli::run); a module
/// loaded into someone else's interpreter keeps its own arrays' memory instead.
void* pooled_memory(std::size_t bytes);
void release_pooled_memory(void* p, std::size_t bytes);

/// A new C-ordered array of T with this shape (uninitialized); large ones from the pool.
template <class T>
py::array_t<T> empty(const std::vector<std::size_t>& shape) {
  std::vector<py::ssize_t> s(shape.begin(), shape.end());
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  const std::size_t bytes = n * sizeof(T);
  if (bytes < (std::size_t(1) << 20)) return py::array_t<T>(s);
  struct block {
    void* p;
    std::size_t bytes;
  };
  auto* b = new block{pooled_memory(bytes), bytes};
  py::capsule owner(b, [](void* v) {
    auto* b = static_cast<block*>(v);
    release_pooled_memory(b->p, b->bytes);
    delete b;
  });
  return py::array_t<T>(s, static_cast<T*>(b->p), owner);
}

/// Its values, writable.
template <class T>
std::span<T> writable(py::array_t<T>& a) {
  return {a.mutable_data(), std::size_t(a.size())};
}

}  // namespace norn::python
