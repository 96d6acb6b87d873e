// libnorn_hdf5.so: reading a whole HDF5 file into a tree and writing one, with the HDF5 C
// library (Debian's libhdf5-dev). Every HDF5 handle is closed by its owner; HDF5's own
// printing of error stacks is switched off and the innermost message becomes the error.
#include <runtime/io/hdf5.hpp>

#include <hdf5.h>

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>
#include <utility>

namespace norn::hdf5 {

namespace {

/// The error of a failed read or write (the message of one line).
struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The innermost description on HDF5's error stack, or `fallback`.
std::string hdf5_message(const std::string& fallback) {
  std::string found;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        auto& s = *static_cast<std::string*>(data);
        if (n == 0 && e->desc) s = e->desc;
        return 0;
      },
      &found);
  H5Eclear2(H5E_DEFAULT);
  return found.empty() ? fallback : fallback + " (" + found + ")";
}

/// An HDF5 identifier, closed with `close` when it goes.
class handle {
 public:
  handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw failure(hdf5_message(what));
  }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
  ~handle() { close_(id_); }
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw failure(hdf5_message(what));
}

constexpr int max_depth = 64;
constexpr std::size_t max_elements = std::size_t(1) << 28;  // 2 GB as doubles

std::string type_name(hid_t type) {
  const auto size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return fmt::format("{}int{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", 8 * size);
    case H5T_FLOAT: return fmt::format("float{}", 8 * size);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length sequence";
    case H5T_OPAQUE: return "opaque";
    case H5T_BITFIELD: return "bitfield";
    case H5T_REFERENCE: return "reference";
    case H5T_TIME: return "time";
    default: return "unknown type";
  }
}

node read_dataset(hid_t dataset, const std::string& path) {
  node n;
  const handle type(H5Dget_type(dataset), H5Tclose, "cannot read the type of " + path);
  const handle space(H5Dget_space(dataset), H5Sclose, "cannot read the shape of " + path);
  n.type = type_name(type);
  const auto space_type = H5Sget_simple_extent_type(space);
  if (space_type == H5S_NULL) {
    n.what = kind::other;
    n.type = "empty (null dataspace)";
    return n;
  }
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw failure(hdf5_message("cannot read the shape of " + path));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) check(H5Sget_simple_extent_dims(space, dims.data(), nullptr), "cannot read the shape of " + path);
  std::size_t count = 1;
  for (auto d : dims) {
    if (d != 0 && count > max_elements / d) throw failure(fmt::format("{} holds more than {} values", path, max_elements));
    count *= std::size_t(d);
    n.shape.push_back(std::size_t(d));
  }
  const auto cls = H5Tget_class(type);
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
    n.what = kind::numbers;
    n.numbers.resize(count);
    if (count) check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, n.numbers.data()),
                     "cannot read the values of " + path);
  } else if (cls == H5T_STRING) {
    n.what = kind::strings;
    n.strings.resize(count);
    if (!count) return n;
    if (H5Tis_variable_str(type) > 0) {
      const handle memory(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
      check(H5Tset_size(memory, H5T_VARIABLE), "cannot make a string type");
      check(H5Tset_cset(memory, H5Tget_cset(type)), "cannot make a string type");
      std::vector<char*> text(count, nullptr);
      check(H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), "cannot read the strings of " + path);
      for (std::size_t k = 0; k < count; ++k) n.strings[k] = text[k] ? text[k] : "";
      H5Dvlen_reclaim(memory, space, H5P_DEFAULT, text.data());
    } else {
      const std::size_t width = H5Tget_size(type);
      if (width == 0 || count > max_elements / width) throw failure(path + " holds too much text");
      const handle memory(H5Tcopy(type), H5Tclose, "cannot make a string type");
      std::vector<char> text(count * width);
      check(H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), "cannot read the strings of " + path);
      for (std::size_t k = 0; k < count; ++k) {
        const char* s = text.data() + k * width;
        std::size_t len = 0;
        while (len < width && s[len] != '\0') ++len;
        while (len > 0 && s[len - 1] == ' ' && H5Tget_strpad(type) == H5T_STR_SPACEPAD) --len;
        n.strings[k].assign(s, len);
      }
    }
  } else {
    n.what = kind::other;
  }
  return n;
}

void read_group(hid_t group, const std::string& path, node& out, int depth) {
  if (depth > max_depth) throw failure(fmt::format("groups nest deeper than {} at {}", max_depth, path));
  out.what = kind::group;
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Literate(
            group, H5_INDEX_NAME, H5_ITER_INC, &index,
            [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
              static_cast<std::vector<std::string>*>(data)->emplace_back(name);
              return 0;
            },
            &names),
        "cannot list the members of " + path);
  for (const auto& name : names) {
    const std::string where = path == "/" ? "/" + name : path + "/" + name;
    const handle object(H5Oopen(group, name.c_str(), H5P_DEFAULT), H5Oclose, "cannot open " + where);
    switch (H5Iget_type(object)) {
      case H5I_GROUP: read_group(object, where, out.add(name, node::group()), depth + 1); break;
      case H5I_DATASET: out.add(name, read_dataset(object, where)); break;
      default: {
        node other;
        other.what = kind::other;
        other.type = "named datatype";
        out.add(name, std::move(other));
      }
    }
  }
}

bool read_file(const std::filesystem::path& file, node& out, std::string& error) {
  try {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const htri_t is = H5Fis_hdf5(file.c_str());
    if (is == 0) throw failure("not an HDF5 file");
    if (is < 0) throw failure(hdf5_message("cannot read the file"));
    const handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open the file (truncated or damaged?)");
    out = node::group();
    read_group(f, "/", out, 0);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

// ---- writing ---------------------------------------------------------------------------

hid_t file_type_of(const node& n) {
  if (n.type == "float64") return H5T_IEEE_F64LE;
  if (n.type == "int64") return H5T_STD_I64LE;
  if (n.type == "float32" || n.type.empty()) return H5T_IEEE_F32LE;
  throw failure("cannot write numbers as " + n.type);
}

void write_dataset(hid_t group, const std::string& name, const node& n) {
  std::vector<hsize_t> dims(n.shape.begin(), n.shape.end());
  const handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr),
                     H5Sclose, "cannot make the shape of " + name);
  if (n.what == kind::numbers) {
    if (n.numbers.size() != n.size()) throw failure(fmt::format("{}: {} values for its shape", name, n.numbers.size()));
    const handle d(H5Dcreate2(group, name.c_str(), file_type_of(n), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   H5Dclose, "cannot create " + name);
    if (!n.numbers.empty())
      check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, n.numbers.data()), "cannot write " + name);
  } else if (n.what == kind::strings) {
    if (n.strings.size() != n.size()) throw failure(fmt::format("{}: {} strings for its shape", name, n.strings.size()));
    // variable-length UTF-8, as h5py writes Python strings
    const handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
    check(H5Tset_size(type, H5T_VARIABLE), "cannot make a string type");
    check(H5Tset_cset(type, H5T_CSET_UTF8), "cannot make a string type");
    const handle d(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
                   "cannot create " + name);
    std::vector<const char*> text;
    for (const auto& s : n.strings) text.push_back(s.c_str());
    check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), "cannot write " + name);
  } else {
    throw failure("cannot write " + name + ": not numbers or strings");
  }
}

void write_group(hid_t group, const node& n) {
  for (const auto& [name, child] : n.children) {
    if (child.what == kind::group) {
      const handle g(H5Gcreate2(group, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                     "cannot create group " + name);
      write_group(g, child);
    } else {
      write_dataset(group, name, child);
    }
  }
}

bool write_file(const std::filesystem::path& file, const node& root, std::string& error) {
  try {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const handle f(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "cannot create the file");
    write_group(f, root);
    check(H5Fflush(f, H5F_SCOPE_LOCAL), "cannot flush the file");
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

const module_api table{module_api::current_version, read_file, write_file};

}  // namespace

}  // namespace norn::hdf5

extern "C" __attribute__((visibility("default"))) const norn::hdf5::module_api* norn_hdf5_module() {
  return &norn::hdf5::table;
}
