// The block storage of the programme ledgers (src/programmes/programme_book.hpp):
// rows keep their order and values across block boundaries.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "programmes/programme_book.hpp"

namespace msmesim {
namespace {

struct Row {
  std::int64_t id;
  double value;
};

TEST(BlockRows, KeepsOrderAndValuesAcrossBlocks) {
  using Rows = detail::BlockRows<Row>;
  Rows rows;
  EXPECT_EQ(rows.size(), 0u);
  const std::size_t n = 2 * Rows::kBlock + 17;
  for (std::size_t k = 0; k < n; ++k) rows.push_back({static_cast<std::int64_t>(k), 0.5 * static_cast<double>(k)});
  ASSERT_EQ(rows.size(), n);
  for (const std::size_t k : {std::size_t{0}, Rows::kBlock - 1, Rows::kBlock, 2 * Rows::kBlock - 1, 2 * Rows::kBlock,
                              n - 1}) {
    EXPECT_EQ(rows[k].id, static_cast<std::int64_t>(k)) << "row " << k;
    EXPECT_EQ(rows[k].value, 0.5 * static_cast<double>(k)) << "row " << k;
  }
  std::int64_t sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += rows[k].id;
  EXPECT_EQ(sum, static_cast<std::int64_t>(n * (n - 1) / 2));
}

}  // namespace
}  // namespace msmesim
