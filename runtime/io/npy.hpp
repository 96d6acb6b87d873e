#pragma once
/// NumPy `.npy` files (format versions 1–3): what Norn reads and writes so that Python users
/// can `numpy.load` its results and hand it their inputs. Reading accepts little-endian
/// float32/float64, signed and unsigned integers and bool in C order; writing produces
/// float32 (or float64 / int64) C-order arrays. Writes go to a temporary name first and
/// are renamed into place, so a failed run never leaves a half-written file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace norn::npy {

/// An array read from disk, converted to double, with its shape.
struct array {
  std::vector<std::size_t> shape;
  std::vector<double> values;     ///< C order
  std::string dtype;              ///< the file's descriptor, e.g. "<f4"

  std::size_t size() const { return values.size(); }
  /// "[1000, 3]"
  std::string shape_text() const;
};

/// Reads an .npy file; throws bad_input naming the file on anything malformed.
array read(const std::filesystem::path& path);

/// Writes float32 data of the given shape (atomically: temporary name, then rename).
void write(const std::filesystem::path& path, std::span<const float> data,
           std::span<const std::size_t> shape);
/// Writes float64 data of the given shape.
void write(const std::filesystem::path& path, std::span<const double> data,
           std::span<const std::size_t> shape);
/// Writes int64 data of the given shape.
void write(const std::filesystem::path& path, std::span<const std::int64_t> data,
           std::span<const std::size_t> shape);

/// A float32 .npy file written piece by piece (for recordings streamed to disk as a
/// simulation runs): the header first, then append() in order until the shape is filled.
/// The caller writes to a temporary path and renames it when done (see output_set).
class stream_writer {
 public:
  stream_writer(const std::filesystem::path& path, std::span<const std::size_t> shape);
  ~stream_writer();
  stream_writer(const stream_writer&) = delete;
  stream_writer& operator=(const stream_writer&) = delete;
  stream_writer(stream_writer&& other) noexcept;

  void append(std::span<const float> values);
  /// Checks that the shape is filled and closes the file.
  void close();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t expected_ = 0, written_ = 0;
};

/// The bytes of an .npy file holding the given data: what write() puts on disk.
std::string encode(const void* data, std::size_t bytes, const char* descr,
                   std::span<const std::size_t> shape);

/// Formats a shape as "[a, b, c]".
std::string shape_text(std::span<const std::size_t> shape);

}  // namespace norn::npy
