#include "msmesim/scenario/scenario.hpp"

#include <algorithm>
#include <set>

#include "msmesim/core/error.hpp"
#include "msmesim/scenario/scenario_file.hpp"

namespace msmesim {

void Scenario::validate() const {
  validate_field(scenario_option("horizon.months"), months, "months");
  if (start.month < 1 || start.month > 12) throw InvalidArgument("start", start.to_string(), "a month YYYY-MM");
  validate_field(scenario_option("class_review.months"), class_review_months, "class_review_months");
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
  if (restrictions.size() > 1000)
    throw InvalidArgument("restrictions", std::to_string(restrictions.size()) + " periods", "at most 1000 periods");
  for (std::size_t k = 0; k < restrictions.size(); ++k) restrictions[k].validate("restrictions[" + std::to_string(k) + "]");
  if (survey_start.has_value() != survey_end.has_value())
    throw InvalidArgument("survey_window", survey_start ? "a start without an end" : "an end without a start",
                          "both months or neither");
  if (survey_start) {
    if (survey_start->month < 1 || survey_start->month > 12)
      throw InvalidArgument("survey_window.start", survey_start->to_string(), "a month YYYY-MM");
    if (survey_end->month < 1 || survey_end->month > 12 || survey_end->months_since(*survey_start) < 0)
      throw InvalidArgument("survey_window.end", survey_end->to_string(),
                            "a month YYYY-MM not before the start (" + survey_start->to_string() + ")");
  }
}

void Restriction::validate(const std::string& field) const {
  if (start.month < 1 || start.month > 12) throw InvalidArgument(field + ".start", start.to_string(), "a month YYYY-MM");
  if (end.month < 1 || end.month > 12) throw InvalidArgument(field + ".end", end.to_string(), "a month YYYY-MM");
  if (end.months_since(start) < 0)
    throw InvalidArgument(field + ".end", end.to_string(), "a month not before start (" + start.to_string() + ")");
  detail::require_range(field + ".intensity", intensity, 0.0, 1.0);
}

double Scenario::restriction(const YearMonth& ym) const {
  double most = 0.0;
  for (const auto& r : restrictions)
    if (ym.months_since(r.start) >= 0 && r.end.months_since(ym) >= 0) most = std::max(most, r.intensity);
  return most;
}

}  // namespace msmesim
