// libFuzzer target: scenario files (parse_scenario), their round trip
// through to_toml, and the built-in population they name (fuzz/harness.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  msmesim::fuzz::guard("fuzz_scenario", [&] { msmesim::fuzz::check_scenario(text); });
  return 0;
}
