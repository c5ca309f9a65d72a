#pragma once
// `clown usage export`: one row per request in range, oldest first.
#include <cstdint>
#include <ostream>
#include <string>

#include "common/error.hpp"
#include "common/paths.hpp"
#include "reports/filter.hpp"

namespace clown::reports {

// format "csv": RFC 4180 with a header line; "json": {period..., "requests":[...]}.
Expected<void> export_usage(const Paths& paths, const UsageFilter& filter, const std::string& format, std::ostream& out,
                            int64_t now_ms);

// format "jsonl" (export_jsonl.cpp): the portable, versioned form `clown
// usage merge` reads on another machine (docs/file-formats.md#export-jsonl).
Expected<void> export_jsonl(const Paths& paths, const UsageFilter& filter, std::ostream& out, int64_t now_ms);

}  // namespace clown::reports
