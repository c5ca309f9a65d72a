#pragma once
// The integration tests' fixture is the shared one (tests/support/clown_home.hpp).
#include "tests/support/clown_home.hpp"
