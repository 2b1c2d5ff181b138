// msmesim: agent-based simulation of micro, small and medium enterprises
// (MSMEs, UMKM) and cooperatives through economic shocks and support
// programmes. This umbrella header includes the whole public API.
#pragma once

#include "msmesim/cooperative.hpp"
#include "msmesim/engine.hpp"
#include "msmesim/ensemble.hpp"
#include "msmesim/error.hpp"
#include "msmesim/linkage.hpp"
#include "msmesim/params.hpp"
#include "msmesim/population.hpp"
#include "msmesim/presets.hpp"
#include "msmesim/programme.hpp"
#include "msmesim/results.hpp"
#include "msmesim/rng.hpp"
#include "msmesim/scenario.hpp"
#include "msmesim/scenario_file.hpp"
#include "msmesim/shock.hpp"
#include "msmesim/size_class.hpp"
#include "msmesim/state.hpp"
#include "msmesim/types.hpp"
#include "msmesim/version.hpp"
