#pragma once
// The Claude Code config dirs an import reads (docs/accuracy.md#transcripts)
// and who their requests belong to.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_stamp.hpp"
#include "common/paths.hpp"
#include "store/requests_table.hpp"

namespace clown::ingest {

struct ConfigDir {
  std::filesystem::path path;  // canonical
  store::Attribution attribution;
  bool read_any = false;  // a transcript of this dir was read in this import
};

// `given` when not empty (each must exist), else each CLAUDE_CONFIG_DIR entry
// (comma-separated), else ~/.config/claude and ~/.claude; plus every
// $CLOWN_HOME/homes/<alias>, attributed to that profile. Each dir once.
Expected<std::vector<ConfigDir>> resolve_claude_dirs(const Paths& paths,
                                                     const std::vector<std::filesystem::path>& given);

// Every projects/**/*.jsonl under a config dir (subagent files included),
// sorted. Only links that stay inside the config dir are followed: a
// projects/ or a transcript linking out of it is skipped, with a warning in
// `warnings` when given (docs/security.md#import).
std::vector<std::string> list_transcripts(const std::filesystem::path& config_dir,
                                          std::vector<std::string>* warnings = nullptr);

// The same files with their stamps, read while listing (stat relative to
// each directory, no path lookup per file); nullopt for a file that could
// not be stat'ed (a linked transcript: stat the path).
struct ListedTranscript {
  std::string path;
  std::optional<FileStamp> stamp;
};
std::vector<ListedTranscript> list_transcript_files(const std::filesystem::path& config_dir,
                                                    std::vector<std::string>* warnings = nullptr);

}  // namespace clown::ingest
