#pragma once
// A private home for the fuzz targets that touch files: CLOWN_HOME and HOME
// point into one temporary directory, and the variables that name an agent's
// own directories are unset, so nothing reads or writes the real home
// (docs/security.md: clown reads only the trees it is given).
#include <filesystem>

namespace clown::fuzz {

// Made once per process (mkdtemp under $TMPDIR or /tmp) and removed at exit.
const std::filesystem::path& fuzz_home();

}  // namespace clown::fuzz
