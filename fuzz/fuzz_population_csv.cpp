// libFuzzer target: the firm, cooperative and membership CSV loaders
// (load_population_csv with and without a cooperatives and a memberships
// file) and the round trip through the savers (fuzz/harness.hpp). One target
// for the three loaders: the cooperative and membership files are only read
// next to a firm file, so one input carries up to three files separated by
// form feeds (\f), and the fuzzer mutates them together.
//
// The loaders read paths: each process writes its inputs to a directory of
// its own under $TMPDIR (removed at exit).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "harness.hpp"

namespace {

std::filesystem::path& work_dir() {
  static std::filesystem::path dir;
  return dir;
}

void remove_work_dir() {
  std::error_code ec;
  std::filesystem::remove_all(work_dir(), ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/msmesim-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("fuzz_population_csv: mkdtemp");
    std::abort();
  }
  work_dir() = pattern;
  std::atexit(remove_work_dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  msmesim::fuzz::guard("fuzz_population_csv", [&] { msmesim::fuzz::check_csv(input, work_dir()); });
  return 0;
}
