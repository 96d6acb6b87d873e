#pragma once
/// NumPy `.npy` files (format versions 1–3): what Norn reads and writes so that Python users
/// can `numpy.load` its results and hand it their inputs. Reading accepts little-endian
/// float32/float64, signed and unsigned integers and bool in C order; writing produces
/// float32 (or float64 / int64) C-order arrays. Writes go to a temporary name first and
/// are renamed into place, so a failed run never leaves a half-written file.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn::npy {

/// Formats a shape as "[a, b, c]".
std::string shape_text(std::span<const std::size_t> shape);

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

/// The element types Norn reads.
enum class dtype { f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1 };

/// An .npy file mapped into memory, its values left in the file's own type (a data set of
/// 10,000 MNIST digits as bytes stays 7.8 MB, not 63 MB of doubles); values are converted to
/// float as they are read.
class mapped {
 public:
  /// Maps `path`; bad_input naming the file on anything malformed or truncated.
  explicit mapped(const std::filesystem::path& path);
  /// An array already in memory (a NumPy array handed over from Python): `data` holds the
  /// values of `shape` in C order as `descr` ("<f4", "|u1", ...) says, and stays valid while
  /// `owner` lives. `name` stands for the file in messages.
  mapped(std::string name, std::string_view descr, std::vector<std::size_t> shape, const void* data,
         std::shared_ptr<const void> owner);

  const std::vector<std::size_t>& shape() const { return shape_; }
  std::string shape_text() const { return npy::shape_text(shape_); }
  std::size_t size() const { return size_; }
  npy::dtype type() const { return type_; }
  std::string_view descr() const { return descr_; }
  const std::string& file() const { return file_; }
  /// Whether the values are whole numbers by type (integers and bool).
  bool integral() const { return type_ != npy::dtype::f4 && type_ != npy::dtype::f8; }

  /// out[k] = value first + k as float (or double), k < out.size().
  void read(std::size_t first, std::span<float> out) const;
  void read(std::size_t first, std::span<double> out) const;
  /// Value k as double.
  double at(std::size_t k) const;
  /// The flat index of the first value that is not finite or that is not finite as a
  /// float (1e300 in a float64 file), or size() when there is none.
  std::size_t first_non_finite() const;

 private:
  template <class R>
  void read_as(std::size_t first, std::span<R> out) const;
  /// Sets type_ and size_ from descr_ and shape_ (bad_input naming file_ when they are not
  /// Norn's); returns the bytes per value.
  std::size_t resolve_type_and_size();

  std::string file_, descr_;
  std::vector<std::size_t> shape_;
  std::size_t size_ = 0;
  npy::dtype type_ = npy::dtype::f4;
  std::shared_ptr<const void> map_;  // unmapped with the last copy
  const unsigned char* data_ = nullptr;
};

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


}  // namespace norn::npy
