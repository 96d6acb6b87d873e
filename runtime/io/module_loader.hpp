#pragma once
/// Finding and loading Norn's own modules (libnorn_plot.so, libnorn_hdf5.so): shared
/// libraries loaded with dlopen on first use, so that a run that draws no picture and reads
/// no NIR file does not load PLplot or HDF5 (and what they pull in) at start-up.

#include <string>

namespace norn {

/// The entry `symbol` (a function of no arguments returning a pointer to the module's table)
/// of module `file`, called, with the table's `version` checked against `version`. Looked for
/// in $`env` if set, next to the executable (and in ../ and ../lib from it, as `cmake
/// --install` lays it out), next to the library that holds this code (the Python module),
/// then on the library path. std::runtime_error naming every place tried when none loads.
const void* load_module(const std::string& file, const char* env, const char* symbol, int version);

}  // namespace norn
