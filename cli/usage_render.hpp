#pragma once
// `clown usage` tables, rendered from the typed reports.
#include <ostream>

#include "reports/report_types.hpp"

namespace clown::cli {

void render_report(std::ostream& out, const reports::Report& report);

}  // namespace clown::cli
