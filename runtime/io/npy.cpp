#include <runtime/io/npy.hpp>

#include <runtime/io/atomic_file.hpp>
#include <runtime/core/errors.hpp>

#include <bit>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>

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

template <class T>
void convert(const char* bytes, std::size_t n, std::vector<double>& out) {
  out.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, bytes + k * sizeof(T), sizeof(T));
    out[k] = double(v);
  }
}

}  // namespace

array read(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("norn: cannot open {}: no such file or not readable", file);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.size() < 10 || content.compare(0, 6, "\x93NUMPY") != 0)
    fail("norn: {} is not a .npy file (bad magic)", file);
  const int major = static_cast<unsigned char>(content[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = std::size_t(static_cast<unsigned char>(content[8])) |
                 std::size_t(static_cast<unsigned char>(content[9])) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (content.size() < 12) fail("norn: {} is truncated", file);
    for (int k = 0; k < 4; ++k)
      header_len |= std::size_t(static_cast<unsigned char>(content[8 + k])) << (8 * k);
    offset = 12;
  } else {
    fail("norn: {} has unsupported .npy version {}", file, major);
  }
  if (offset + header_len > content.size()) fail("norn: {} is truncated", file);
  const std::string_view header(content.data() + offset, header_len);

  array a;
  auto descr = dict_value(header, "descr", file);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"'))
    fail("norn: {} has a malformed dtype in its .npy header", file);
  a.dtype = std::string(descr.substr(1, descr.size() - 2));
  if (dict_value(header, "fortran_order", file).substr(0, 4) != "Fals")
    fail("norn: {} is in Fortran order; save it in C order (numpy.ascontiguousarray)", file);
  a.shape = parse_shape(dict_value(header, "shape", file), file);

  std::size_t n = 1;
  for (auto d : a.shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) fail("norn: {} has an absurd shape", file);
    n *= d;
  }
  const char* data = content.data() + offset + header_len;
  const std::size_t available = content.size() - offset - header_len;
  const std::string& t = a.dtype;
  auto need = [&](std::size_t width) {
    if (available < n * width)
      fail("norn: {} is truncated: shape {} needs {} bytes of data, found {}", file, a.shape_text(),
           n * width, available);
  };
  if (t == "<f4") { need(4); convert<float>(data, n, a.values); }
  else if (t == "<f8") { need(8); convert<double>(data, n, a.values); }
  else if (t == "<i4") { need(4); convert<std::int32_t>(data, n, a.values); }
  else if (t == "<i8") { need(8); convert<std::int64_t>(data, n, a.values); }
  else if (t == "<u4") { need(4); convert<std::uint32_t>(data, n, a.values); }
  else if (t == "<u8") { need(8); convert<std::uint64_t>(data, n, a.values); }
  else if (t == "|u1" || t == "<u1") { need(1); convert<std::uint8_t>(data, n, a.values); }
  else if (t == "|i1" || t == "<i1") { need(1); convert<std::int8_t>(data, n, a.values); }
  else if (t == "|b1") { need(1); convert<std::uint8_t>(data, n, a.values); }
  else fail("norn: {} has dtype '{}'; Norn reads little-endian float32/float64, integers and bool", file, t);
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
