#include <catch2/catch.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>

#include <filesystem>
#include <fstream>

using namespace norn;

namespace {
std::filesystem::path tmp(const std::string& name) {
  std::filesystem::create_directories(NORN_TEST_TMP);
  return std::filesystem::path(NORN_TEST_TMP) / name;
}
void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}
}  // namespace

TEST_CASE("npy: float32 round trip with shape") {
  const std::vector<float> data{1.5f, -2.0f, 0.25f, 3.0f, 4.0f, 5.0f};
  const std::size_t shape[2] = {2, 3};
  npy::write(tmp("a.npy"), data, shape);
  const auto a = npy::read(tmp("a.npy"));
  CHECK(a.dtype == "<f4");
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK(a.values == std::vector<double>(data.begin(), data.end()));
}

TEST_CASE("npy: the header is padded to a multiple of 64 bytes and ends in a newline") {
  const std::size_t shape[1] = {3};
  const double data[3] = {1, 2, 3};
  const std::string bytes = npy::encode(data, sizeof data, "<f8", shape);
  const std::size_t header_len = std::size_t(std::uint8_t(bytes[8])) | std::size_t(std::uint8_t(bytes[9])) << 8;
  CHECK((10 + header_len) % 64 == 0);
  CHECK(bytes[10 + header_len - 1] == '\n');
  CHECK(bytes.find("'shape': (3,)") != std::string::npos);
}

TEST_CASE("npy: reads int64, float64 and bool arrays") {
  const std::int64_t ints[3] = {7, -1, 2};
  const std::size_t shape[1] = {3};
  write_bytes(tmp("i.npy"), npy::encode(ints, sizeof ints, "<i8", shape));
  CHECK(npy::read(tmp("i.npy")).values == std::vector<double>{7, -1, 2});
  const bool flags[3] = {true, false, true};
  write_bytes(tmp("b.npy"), npy::encode(flags, sizeof flags, "|b1", shape));
  CHECK(npy::read(tmp("b.npy")).values == std::vector<double>{1, 0, 1});
}

TEST_CASE("npy: malformed files are bad input naming the file") {
  CHECK_THROWS_AS(npy::read(tmp("missing.npy")), bad_input);
  write_bytes(tmp("junk.npy"), "hello, this is not numpy");
  CHECK_THROWS_WITH(npy::read(tmp("junk.npy")), Catch::Contains("junk.npy") && Catch::Contains("not a .npy"));
  const float data[4] = {1, 2, 3, 4};
  const std::size_t shape[1] = {4};
  std::string truncated = npy::encode(data, sizeof data, "<f4", shape);
  truncated.resize(truncated.size() - 3);
  write_bytes(tmp("short.npy"), truncated);
  CHECK_THROWS_WITH(npy::read(tmp("short.npy")), Catch::Contains("truncated"));
  std::string fortran = npy::encode(data, sizeof data, "<f4", shape);
  fortran.replace(fortran.find("False"), 5, "True ");
  write_bytes(tmp("fortran.npy"), fortran);
  CHECK_THROWS_WITH(npy::read(tmp("fortran.npy")), Catch::Contains("Fortran"));
  write_bytes(tmp("complex.npy"), npy::encode(data, sizeof data, "<c8", std::span<const std::size_t>(shape, 1)));
  CHECK_THROWS_WITH(npy::read(tmp("complex.npy")), Catch::Contains("dtype"));
}

TEST_CASE("npy: an empty array reads as nothing (found by the fuzzer: memcpy from a null span)") {
  const auto file = std::filesystem::path(NORN_TEST_TMP) / "empty.npy";
  std::filesystem::create_directories(file.parent_path());
  const std::size_t shape[1] = {0};
  npy::write(file, std::vector<float>{}, shape);
  const npy::mapped m(file);
  CHECK(m.size() == 0);
  std::vector<float> none;
  m.read(0, none);
  CHECK(m.first_non_finite() == 0);
}
