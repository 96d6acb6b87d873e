#include <runtime/io/npy.hpp>

#include <runtime/io/atomic_file.hpp>
#include <runtime/core/errors.hpp>

#include <bit>
#include <cmath>
#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>
#include <type_traits>

namespace norn::npy {

static_assert(std::endian::native == std::endian::little, "norn: .npy I/O assumes a little-endian host");

std::string shape_text(std::span<const std::size_t> shape) {
  std::string s = "[";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

std::string array::shape_text() const { return npy::shape_text(shape); }

namespace {

/// The value of `'key': ` in a header dictionary, up to the next top-level comma or brace.
std::string_view dict_value(std::string_view header, std::string_view key, const std::string& file) {
  const std::string quoted = "'" + std::string(key) + "'";
  const auto at = header.find(quoted);
  if (at == std::string_view::npos) fail("norn: {} is not a valid .npy file (no '{}' in its header)", file, key);
  auto rest = header.substr(at + quoted.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) fail("norn: {} has a malformed .npy header", file);
  rest = rest.substr(colon + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::size_t end = 0;
  int depth = 0;
  for (; end < rest.size(); ++end) {
    const char c = rest[end];
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth == 0) break;
      if (--depth == 0) { ++end; break; }
    }
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  return rest.substr(0, end);
}

std::vector<std::size_t> parse_shape(std::string_view text, const std::string& file) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    fail("norn: {} has a malformed shape in its .npy header", file);
  std::vector<std::size_t> shape;
  std::size_t value = 0;
  bool in_number = false;
  for (char c : text.substr(1, text.size() - 2)) {
    if (c >= '0' && c <= '9') {
      value = value * 10 + std::size_t(c - '0');
      in_number = true;
    } else if (c == ',' || c == ' ') {
      if (in_number) shape.push_back(value);
      value = 0;
      in_number = false;
    } else if (c != 'L') {
      fail("norn: {} has a malformed shape in its .npy header", file);
    }
  }
  if (in_number) shape.push_back(value);
  return shape;
}

struct descriptor {
  std::string_view name;
  npy::dtype type;
  std::size_t width;
};
constexpr descriptor descriptors[] = {
    {"<f4", dtype::f4, 4}, {"<f8", dtype::f8, 8}, {"|i1", dtype::i1, 1}, {"<i1", dtype::i1, 1},
    {"<i2", dtype::i2, 2}, {"<i4", dtype::i4, 4}, {"<i8", dtype::i8, 8}, {"|u1", dtype::u1, 1},
    {"<u1", dtype::u1, 1}, {"<u2", dtype::u2, 2}, {"<u4", dtype::u4, 4}, {"<u8", dtype::u8, 8},
    {"|b1", dtype::b1, 1}};

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

/// Calls f(T{}) with the C++ type of `t`.
template <class F>
decltype(auto) with_type(dtype t, F&& f) {
  switch (t) {
    case dtype::f4: return f(float{});
    case dtype::f8: return f(double{});
    case dtype::i1: return f(std::int8_t{});
    case dtype::i2: return f(std::int16_t{});
    case dtype::i4: return f(std::int32_t{});
    case dtype::i8: return f(std::int64_t{});
    case dtype::u1: return f(std::uint8_t{});
    case dtype::u2: return f(std::uint16_t{});
    case dtype::u4: return f(std::uint32_t{});
    case dtype::u8: return f(std::uint64_t{});
    case dtype::b1: return f(std::uint8_t{});
  }
  return f(float{});
}

}  // namespace

mapped::mapped(const std::filesystem::path& path) : file_(path.string()) {
  const std::string& file = file_;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail("norn: cannot open {}: no such file", file);
  if (!std::filesystem::is_regular_file(status)) fail("norn: {} is not a regular file", file);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("norn: cannot open {}: {}", file, std::strerror(errno));
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    fail("norn: cannot read {}: {}", file, std::strerror(errno));
  }
  const std::size_t total = std::size_t(st.st_size);
  if (total > 0) {
    void* p = ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      fail("norn: cannot map {}: {}", file, std::strerror(errno));
    }
    map_ = std::shared_ptr<const void>(p, [total](const void* q) { ::munmap(const_cast<void*>(q), total); });
  }
  ::close(fd);
  const auto* bytes = static_cast<const unsigned char*>(map_.get());
  if (total < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) fail("norn: {} is not a .npy file (bad magic)", file);
  const int major = bytes[6];
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = std::size_t(bytes[8]) | std::size_t(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (total < 12) fail("norn: {} is truncated", file);
    for (int k = 0; k < 4; ++k) header_len |= std::size_t(bytes[8 + k]) << (8 * k);
    offset = 12;
  } else {
    fail("norn: {} has unsupported .npy version {}", file, major);
  }
  if (header_len > total - offset) fail("norn: {} is truncated", file);
  const std::string_view header(reinterpret_cast<const char*>(bytes) + offset, header_len);

  auto descr = dict_value(header, "descr", file);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"'))
    fail("norn: {} has a malformed dtype in its .npy header", file);
  descr_ = std::string(descr.substr(1, descr.size() - 2));
  if (dict_value(header, "fortran_order", file).substr(0, 4) != "Fals")
    fail("norn: {} is in Fortran order; save it in C order (numpy.ascontiguousarray)", file);
  shape_ = parse_shape(dict_value(header, "shape", file), file);
  const std::size_t width = resolve_type_and_size();
  const std::size_t available = total - offset - header_len;
  if (available < size_ * width)
    fail("norn: {} is truncated: shape {} needs {} bytes of data, found {}", file, shape_text(), size_ * width, available);
  data_ = bytes + offset + header_len;
}

mapped::mapped(std::string name, std::string_view descr, std::vector<std::size_t> shape, const void* data,
               std::shared_ptr<const void> owner)
    : file_(std::move(name)), descr_(descr), shape_(std::move(shape)), map_(std::move(owner)),
      data_(static_cast<const unsigned char*>(data)) {
  resolve_type_and_size();
  if (size_ > 0 && !data_) throw std::logic_error("npy::mapped: values without memory");
}

std::size_t mapped::resolve_type_and_size() {
  const descriptor* d = nullptr;
  for (const auto& candidate : descriptors)
    if (candidate.name == descr_) d = &candidate;
  if (!d) fail("norn: {} has dtype '{}'; Norn reads little-endian float32/float64, integers and bool", file_, descr_);
  type_ = d->type;
  size_ = 1;
  for (auto dim : shape_) {
    if (dim != 0 && size_ > std::numeric_limits<std::size_t>::max() / d->width / dim)
      fail("norn: {} has an absurd shape {}", file_, shape_text());
    size_ *= dim;
  }
  return d->width;
}

template <class R>
void mapped::read_as(std::size_t first, std::span<R> out) const {
  if (first > size_ || out.size() > size_ - first)
    throw std::logic_error(fmt::format("npy::mapped::read: values {}..{} of {}", first, first + out.size(), size_));
  with_type(type_, [&](auto zero) {
    using T = decltype(zero);
    const unsigned char* p = data_ + first * sizeof(T);
    if constexpr (std::is_same_v<T, R>) {
      if (!out.empty()) std::memcpy(out.data(), p, out.size_bytes());  // an empty span's data() may be null
    }
    else
      for (std::size_t k = 0; k < out.size(); ++k) out[k] = R(load<T>(p + k * sizeof(T)));
  });
}
void mapped::read(std::size_t first, std::span<float> out) const { read_as(first, out); }
void mapped::read(std::size_t first, std::span<double> out) const { read_as(first, out); }

double mapped::at(std::size_t k) const {
  return with_type(type_, [&](auto zero) {
    using T = decltype(zero);
    return double(load<T>(data_ + k * sizeof(T)));
  });
}

std::size_t mapped::first_non_finite() const {
  if (type_ == dtype::f4) {
    for (std::size_t k = 0; k < size_; ++k)
      if (!std::isfinite(load<float>(data_ + 4 * k))) return k;
  } else if (type_ == dtype::f8) {
    for (std::size_t k = 0; k < size_; ++k)
      if (!std::isfinite(float(load<double>(data_ + 8 * k)))) return k;
  }
  return size_;
}

array read(const std::filesystem::path& path) {
  const mapped m(path);
  array a;
  a.shape = m.shape();
  a.dtype = std::string(m.descr());
  a.values.resize(m.size());
  for (std::size_t k = 0; k < m.size(); ++k) a.values[k] = m.at(k);
  return a;
}

namespace {
/// The magic, version and header of an .npy file, padded so the data starts 64-aligned.
std::string preamble(const char* descr, std::span<const std::size_t> shape) {
  std::string dims = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) dims += std::to_string(shape[k]) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(3, 4)" but "(3,)"
  else if (shape.size() == 1) dims.resize(dims.size() - 1);
  dims += ")";
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, dims);
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(header.size() & 0xff);
  out += char((header.size() >> 8) & 0xff);
  out += header;
  return out;
}
}  // namespace

std::string encode(const void* data, std::size_t bytes, const char* descr, std::span<const std::size_t> shape) {
  std::string out = preamble(descr, shape);
  out.append(static_cast<const char*>(data), bytes);
  return out;
}

namespace {
void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(fmt::format("norn: writing {} failed: {}", path.string(), std::strerror(errno)));
    data += n;
    size -= std::size_t(n);
  }
}
}  // namespace

stream_writer::stream_writer(const std::filesystem::path& path, std::span<const std::size_t> shape) : path_(path) {
  expected_ = 1;
  for (auto d : shape) expected_ *= d;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) fail("norn: cannot write {}: {}", path.string(), std::strerror(errno));
  const std::string head = preamble("<f4", shape);
  write_all(fd_, head.data(), head.size(), path_);
}

stream_writer::stream_writer(stream_writer&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), expected_(other.expected_), written_(other.written_) {
  other.fd_ = -1;
}

stream_writer::~stream_writer() {
  if (fd_ >= 0) ::close(fd_);
}

void stream_writer::append(std::span<const float> values) {
  if (written_ + values.size() > expected_)
    throw std::logic_error(fmt::format("npy::stream_writer: {} values beyond the shape of {}", values.size(), path_.string()));
  write_all(fd_, reinterpret_cast<const char*>(values.data()), values.size_bytes(), path_);
  written_ += values.size();
}

void stream_writer::close() {
  if (written_ != expected_)
    throw std::logic_error(fmt::format("npy::stream_writer: {} holds {} of {} values", path_.string(), written_, expected_));
  if (::close(fd_) != 0) throw std::runtime_error(fmt::format("norn: writing {} failed", path_.string()));
  fd_ = -1;
}

namespace {
template <class T>
void write_typed(const std::filesystem::path& path, std::span<const T> data,
                 std::span<const std::size_t> shape, const char* descr) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  if (n != data.size())
    throw std::logic_error(fmt::format("npy::write: {} values for shape {}", data.size(), shape_text(shape)));
  write_file_atomically(path, {preamble(descr, shape),
                               std::string_view(reinterpret_cast<const char*>(data.data()), data.size_bytes())});
}
}  // namespace

void write(const std::filesystem::path& path, std::span<const float> data, std::span<const std::size_t> shape) {
  write_typed(path, data, shape, "<f4");
}
void write(const std::filesystem::path& path, std::span<const double> data, std::span<const std::size_t> shape) {
  write_typed(path, data, shape, "<f8");
}
void write(const std::filesystem::path& path, std::span<const std::int64_t> data,
           std::span<const std::size_t> shape) {
  write_typed(path, data, shape, "<i8");
}

}  // namespace norn::npy
