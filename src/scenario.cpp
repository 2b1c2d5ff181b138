#include "msmesim/scenario.hpp"

#include <set>

#include "msmesim/error.hpp"

namespace msmesim {

void Scenario::validate() const {
  detail::require_range("months", std::int64_t{months}, 1, kMaxMonths);
  if (start.month < 1 || start.month > 12) throw InvalidArgument("start", start.to_string(), "a month YYYY-MM");
  detail::require_range("class_review_months", std::int64_t{class_review_months}, 1, 120);
  params.validate();
  if (shocks.size() > 64)
    throw InvalidArgument("shocks", std::to_string(shocks.size()) + " shocks", "at most 64 shocks");
  std::set<std::string> names;
  for (std::size_t k = 0; k < shocks.size(); ++k) {
    const std::string f = "shocks[" + std::to_string(k) + "]" + (shocks[k].name.empty() ? "" : " ('" + shocks[k].name + "')");
    shocks[k].validate(f);
    if (!shocks[k].name.empty() && !names.insert(shocks[k].name).second)
      throw InvalidArgument(f + ".name", "'" + shocks[k].name + "'", "a name not used by another shock");
  }
  if (input_output) input_output->validate();
  if (programmes.size() > 1000)
    throw InvalidArgument("programmes", std::to_string(programmes.size()) + " programmes", "at most 1000 programmes");
  std::set<std::string> programme_names;
  for (std::size_t k = 0; k < programmes.size(); ++k) {
    const std::string f = "programmes[" + std::to_string(k) + "]";
    programmes[k].validate(f);
    if (!programme_names.insert(programmes[k].name).second)
      throw InvalidArgument(f + ".name", "'" + programmes[k].name + "'", "a name not used by another programme");
  }
}

}  // namespace msmesim
