// Building result tables: a named column from a vector (moved in), and a
// categorical column of integer codes into `categories`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "msmesim/io/results.hpp"

namespace msmesim::detail {

template <class T>
Column make_column(std::string name, std::vector<T> data, std::string unit = "") {
  Column c;
  c.name = std::move(name);
  c.data = std::move(data);
  c.unit = std::move(unit);
  return c;
}

template <class T>
Column make_categorical(std::string name, std::vector<T> codes, std::vector<std::string> categories) {
  Column c;
  c.name = std::move(name);
  c.data = std::move(codes);
  c.categories = std::move(categories);
  return c;
}

}  // namespace msmesim::detail
