#pragma once
// This machine's identity (docs/file-formats.md#machine-id): a random UUID
// in $CLOWN_HOME/machine-id, created (0644) on first use and never changed,
// so requests counted here can be told from those merged from elsewhere.
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/paths.hpp"

namespace clown::store {

fs::path machine_id_file(const Paths& paths);

// Reads the id, creating the file when it is missing (two processes creating
// it at once agree on one id: the file is linked into place, never replaced).
Expected<std::string> machine_id(const Paths& paths);

// The id when the file exists and holds one, else "" (reports: no side
// effects; a store that has rows has the file, Store::open creates it).
std::string known_machine_id(const Paths& paths);

// A lowercase RFC 4122 UUID text: 8-4-4-4-12 hex digits.
bool is_machine_id(std::string_view text);
// A row's machine in an export: a machine id, or what a central clownd
// stored another machine under (its host.name or address, docs/api.md#team):
// 1-200 bytes without control characters.
bool is_machine_name(std::string_view text);

}  // namespace clown::store
