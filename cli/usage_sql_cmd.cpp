// clown usage sql "<SELECT …>" [--json|--csv]
// clown usage merge FILE…
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "common/format.hpp"
#include "ingest/merge.hpp"
#include "reports/sql_query.hpp"

namespace clown::cli {

namespace {

struct SqlOptions {
  std::string sql;
  bool json = false;
  bool csv = false;
};

void print_table(const reports::SqlResult& result) {
  std::vector<bool> right(result.columns.size(), !result.rows.empty());
  for (const auto& row : result.rows)
    for (size_t i = 0; i < row.size(); ++i)
      if (!std::holds_alternative<std::monostate>(row[i]) && !reports::sql_is_number(row[i])) right[i] = false;
  Table table(result.columns, right);
  for (const auto& row : result.rows) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(reports::sql_text(v));
    table.add(std::move(cells));
  }
  table.print(std::cout, use_color(1));
  std::cout << result.rows.size() << (result.rows.size() == 1 ? " row\n" : " rows\n");
}

void add_merge_command(CLI::App& usage, Context& ctx) {
  struct MergeOptions {
    std::vector<std::string> files;
    bool json = false;
  };
  auto opts = std::make_shared<MergeOptions>();
  auto* cmd = usage.add_subcommand(
      "merge",
      "merge requests exported on other machines (clown usage export --format jsonl) into this store; idempotent");
  cmd->add_option("files", opts->files, "export files to merge")->required()->type_name("FILE");
  cmd->add_flag("--json", opts->json, "print the summary as JSON");
  cmd->callback([opts, &ctx] {
    const auto summary = unwrap(ingest::merge_files(ctx.paths, {opts->files.begin(), opts->files.end()}));
    for (const auto& w : summary.warnings) std::cerr << "clown: warning: " << w << "\n";
    if (opts->json) {
      std::cout << ingest::to_json(summary).dump() << "\n";
      return;
    }
    std::cout << "Merged " << with_thousands(summary.requests) << " requests from " << summary.files
              << (summary.files == 1 ? " file" : " files") << ": " << with_thousands(summary.inserted) << " new, "
              << with_thousands(summary.updated) << " updated, " << with_thousands(summary.duplicates)
              << " already here, " << with_thousands(summary.own) << " this machine's own\n";
  });
}

}  // namespace

void add_usage_sql_command(CLI::App& usage, Context& ctx) {
  auto opts = std::make_shared<SqlOptions>();
  auto* cmd = usage.add_subcommand(
      "sql", "run one read-only SQL query on the usage store (tables and stable views: docs/schema.md)");
  cmd->add_option("query", opts->sql, "one SELECT, e.g. \"SELECT * FROM v_daily ORDER BY date_utc\"")->required();
  auto* json = cmd->add_flag("--json", opts->json, "print a JSON array of objects (one per row)");
  cmd->add_flag("--csv", opts->csv, "print CSV (RFC 4180, with a header line)")->excludes(json);
  cmd->callback([opts, &ctx] {
    const auto result = unwrap(reports::run_sql(ctx.paths, opts->sql));
    if (opts->json)
      std::cout << reports::to_json(result).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                << "\n";
    else if (opts->csv)
      reports::write_csv(std::cout, result);
    else
      print_table(result);
  });
  add_merge_command(usage, ctx);
}

}  // namespace clown::cli
