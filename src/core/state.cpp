#include "msmesim/core/state.hpp"

namespace msmesim {

namespace {
// Applies `fn` to every per-firm vector of the state.
template <class State, class Fn>
void for_each_vector(State& s, Fn&& fn) {
#define MSMESIM_APPLY(field) fn(s.field);
  MSMESIM_FIRM_STATE_COLUMNS(MSMESIM_APPLY)
#undef MSMESIM_APPLY
  for (auto& v : s.shock_severity) fn(v);
}
}  // namespace

void FirmState::resize(std::size_t capacity, std::size_t shocks) {
  shock_severity.resize(shocks);
  for_each_vector(*this, [capacity](auto& v) { v.resize(capacity); });
}

std::size_t FirmState::memory_bytes() const {
  std::size_t bytes = 0;
  for_each_vector(*this, [&bytes](const auto& v) { bytes += v.size() * sizeof(v[0]); });
  return bytes;
}

void FirmFlows::resize(std::size_t capacity) {
#define MSMESIM_FLOW_RESIZE(name) name.assign(capacity, 0.0);
  MSMESIM_FIRM_FLOW_COLUMNS(MSMESIM_FLOW_RESIZE)
#undef MSMESIM_FLOW_RESIZE
  stepped.assign(capacity, 0);
}

}  // namespace msmesim
