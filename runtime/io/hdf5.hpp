#pragma once
/// HDF5 files as Norn reads and writes them (NIR's files are HDF5): a whole file as a tree
/// of groups and datasets, read at once. The HDF5 library lives in a module of its own
/// (libnorn_hdf5.so, loaded on first use, like the plotting module), so that `norn` does not
/// load HDF5 and everything it links (curl, ssl, ldap, ...) at every start.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace norn::hdf5 {

/// What a node of the tree is.
enum class kind { group, numbers, strings, other };

struct member;

/// A group (named members, in the file's order: by name) or a dataset: numbers (any
/// integer or floating-point type, read as double), strings (fixed or variable length), or
/// something else (compound, enum, opaque, ...; `type` says what, nothing is read).
struct node {
  kind what = kind::group;
  std::vector<member> children;                        ///< group
  std::vector<std::size_t> shape;                      ///< dataset; empty for a scalar
  std::vector<double> numbers;                         ///< numbers, in C order
  std::vector<std::string> strings;                    ///< strings, in C order
  /// The dataset's type in the file ("float32", "int64", "string", "compound", ...); for
  /// writing numbers: "float32", "float64" or "int64".
  std::string type;

  /// The child named `name`, or null.
  const node* child(std::string_view name) const;
  /// Adds a child (a group's) and returns it.
  node& add(std::string name, node n);
  /// Whether this is a dataset of numbers stored as integers.
  bool integral() const { return what == kind::numbers && type.find("int") != std::string::npos; }
  /// The number of elements of a dataset.
  std::size_t size() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }

  static node group();
  static node text(std::string value);
  static node numbers_of(std::vector<std::size_t> shape, std::vector<double> values, std::string type = "float32");
};

/// A group's member: its name and what it is.
struct member {
  std::string first;
  node second;
};

inline const node* node::child(std::string_view name) const {
  for (const auto& [n, c] : children)
    if (n == name) return &c;
  return nullptr;
}
inline node node::group() { return node{}; }
inline node node::text(std::string value) {
  node n;
  n.what = kind::strings;
  n.strings.push_back(std::move(value));
  n.type = "string";
  return n;
}
inline node node::numbers_of(std::vector<std::size_t> shape, std::vector<double> values, std::string type) {
  node n;
  n.what = kind::numbers;
  n.shape = std::move(shape);
  n.numbers = std::move(values);
  n.type = std::move(type);
  return n;
}
inline node& node::add(std::string name, node n) {
  children.push_back(member{std::move(name), std::move(n)});
  return children.back().second;
}

/// Reads a whole file. bad_input (one line naming the file) when it is missing, not HDF5,
/// truncated or unreadable, or nests deeper than 64 groups.
node read(const std::filesystem::path& file);

/// Writes `root`'s children into a new file at `file`, through a temporary name and a rename
/// (a reader never sees half a file).
void write(const std::filesystem::path& file, const node& root);

/// The interface between Norn and libnorn_hdf5.so: one C entry point, `norn_hdf5_module`,
/// returning this table. Errors come back as text (no exception crosses the module's edge).
struct module_api {
  static constexpr int current_version = 1;
  int version;
  bool (*read)(const std::filesystem::path& file, node& out, std::string& error);
  bool (*write)(const std::filesystem::path& file, const node& root, std::string& error);
};

}  // namespace norn::hdf5
