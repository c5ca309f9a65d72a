#include "telemetry/importer.hpp"

namespace clown::telemetry {

// Placeholder until the importer lands.
Expected<ImportSummary> import_claude(const Paths&, const ImportOptions&) {
  return fail("import-claude is not implemented yet");
}

nlohmann::json to_json(const ImportSummary& s) {
  return {{"files_seen", s.files_seen}, {"files_read", s.files_read}, {"new_requests", s.new_requests},
          {"duplicates", s.duplicates}, {"skipped_lines", s.skipped_lines}, {"bytes_read", s.bytes_read},
          {"history_requests", s.history_requests}, {"seconds", s.seconds}, {"warnings", s.warnings}};
}

}  // namespace clown::telemetry
