#pragma once
// `clown usage` tables, rendered from the typed reports.
#include <ostream>

#include "reports/report_types.hpp"
#include "reports/reprice.hpp"

namespace clown::cli {

void render_report(std::ostream& out, const reports::Report& report);
// usage_reprice.cpp: what `clown usage reprice` changed (warnings to stderr).
void render_reprice(std::ostream& out, const reports::RepriceReport& report);

}  // namespace clown::cli
