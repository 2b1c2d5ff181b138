// msmesim: agent-based simulation of micro, small and medium enterprises
// (MSMEs, UMKM) and cooperatives through economic shocks and support
// programmes. This umbrella header includes the whole public API.
#pragma once

// The headers mirror the folders of src/ (docs/design.md), lowest first.
#include "msmesim/core/error.hpp"
#include "msmesim/core/params.hpp"
#include "msmesim/core/rng.hpp"
#include "msmesim/core/size_class.hpp"
#include "msmesim/core/state.hpp"
#include "msmesim/core/types.hpp"
#include "msmesim/io/results.hpp"
#include "msmesim/scenario/linkage.hpp"
#include "msmesim/scenario/presets.hpp"
#include "msmesim/scenario/scenario.hpp"
#include "msmesim/scenario/scenario_file.hpp"
#include "msmesim/scenario/shock.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/cooperatives/cooperative.hpp"
#include "msmesim/programmes/programme.hpp"
#include "msmesim/engine/engine.hpp"
#include "msmesim/ensembles/ensemble.hpp"
#include "msmesim/version.hpp"
