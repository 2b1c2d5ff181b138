// A C++ program that embeds msmesim: runs the Bogor COVID-19 preset on a
// scaled-down population and prints the summary and the employment path,
// as a regional model would consume it.
#include <msmesim/msmesim.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const std::int64_t firms = argc > 1 ? std::stoll(argv[1]) : 20000;
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  try {
    const auto spec = msmesim::presets::bogor_population_spec(firms);
    const auto population = msmesim::generate_population(spec, /*seed=*/7, threads);
    const auto scenario = msmesim::presets::bogor_covid19_scenario();

    msmesim::RunOptions options;
    options.seed = 7;
    options.threads = threads;
    const msmesim::RunResult result = msmesim::run(population, scenario, options);

    std::cout << result.summary();
    const auto& dates = std::get<std::vector<std::string>>(result.monthly.column("date").data);
    const auto employment = result.monthly.numbers("employment");
    std::cout << "month,employment\n";
    for (std::size_t m = 0; m < dates.size(); ++m) std::cout << dates[m] << ',' << employment[m] << '\n';
    return employment.size() == static_cast<std::size_t>(scenario.months) ? EXIT_SUCCESS : EXIT_FAILURE;
  } catch (const msmesim::Error& e) {
    std::cerr << "msmesim error: " << e.what() << '\n';
    return EXIT_FAILURE;
  }
}
