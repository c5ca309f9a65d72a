#include "reports/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <date/date.h>

#include "config/config.hpp"
#include "reports/cache_savings.hpp"
#include "reports/zone_offsets.hpp"

namespace clown::reports {

namespace {

// One calendar row before it is named.
struct Bucket {
  GroupSum sum;
  std::unordered_map<int32_t, GroupSum> by_model;
};

struct Filled {
  Group group;
  std::vector<std::string> models;
  CacheStats cache;
  std::vector<ModelRow> breakdown;
};

template <class KeyOf>
std::vector<std::pair<int64_t, Filled>> buckets(const ReportData& d, KeyOf key_of, bool breakdown) {
  std::map<int64_t, Bucket> by_key;
  for (const auto* r : d.rows) {
    Bucket& b = by_key[key_of(r->first_ms)];
    b.sum.add(*r, true);
    b.by_model[r->model].add(*r, false);
  }
  InputPrices prices(report_pricing(d.paths));
  std::vector<std::pair<int64_t, Filled>> out;
  for (auto& [key, b] : by_key) {
    Filled f;
    f.group = b.sum.group();
    f.models = d.names(b.sum.models);
    auto per_model = model_rows_of(d, b.by_model);
    f.cache = cache_stats(f.group, per_model, prices);
    if (breakdown) f.breakdown = std::move(per_model);
    out.emplace_back(key, std::move(f));
  }
  return out;
}

template <class Row>
void assign(Row& row, Filled&& f) {
  static_cast<Group&>(row) = f.group;
  row.models = std::move(f.models);
  row.cache = f.cache;
  row.breakdown = std::move(f.breakdown);
}

std::string ymd_text(int64_t day) {
  const date::year_month_day ymd{date::sys_days{date::days{day}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

std::vector<ModelRow> model_rows_of(const ReportData& d, std::unordered_map<int32_t, GroupSum>& by_model) {
  std::vector<ModelRow> rows;
  rows.reserve(by_model.size());
  for (auto& [idx, sum] : by_model) {
    ModelRow row;
    static_cast<Group&>(row) = sum.group();
    row.model = d.str(idx);
    row.priced = sum.unpriced == 0;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const ModelRow& a, const ModelRow& b) {
    if (a.total_cost != b.total_cost) return a.total_cost > b.total_cost;
    return a.model < b.model;
  });
  return rows;
}

DailyReport daily_report(const ReportData& d, bool breakdown) {
  DailyReport r;
  fill_base(d, r);
  ZoneOffsets zone(d.period.zone);
  for (auto& [day, f] : buckets(
           d, [&](int64_t ts) { return zone.day(ts); }, breakdown)) {
    DayRow row;
    row.date = ymd_text(day);
    assign(row, std::move(f));
    r.days.push_back(std::move(row));
  }
  return r;
}

WeeklyReport weekly_report(const ReportData& d, bool breakdown) {
  WeeklyReport r;
  fill_base(d, r);
  r.start_of_week = std::string(config::weekday_name(d.period.start_of_week));
  ZoneOffsets zone(d.period.zone);
  const int sow = d.period.start_of_week;
  for (auto& [week, f] : buckets(
           d, [&](int64_t ts) { return week_start_day(zone.day(ts), sow); }, breakdown)) {
    CalendarRow row;
    row.start = ymd_text(week);
    row.label = row.start;
    assign(row, std::move(f));
    r.weeks.push_back(std::move(row));
  }
  return r;
}

MonthlyReport monthly_report(const ReportData& d, bool breakdown) {
  MonthlyReport r;
  fill_base(d, r);
  ZoneOffsets zone(d.period.zone);
  auto month_of = [&](int64_t ts) {
    const date::year_month_day ymd{date::sys_days{date::days{zone.day(ts)}}};
    return static_cast<int64_t>(static_cast<int>(ymd.year())) * 12 + static_cast<unsigned>(ymd.month()) - 1;
  };
  for (auto& [month, f] : buckets(d, month_of, breakdown)) {
    const int64_t year = floor_div(month, 12);
    const auto m = static_cast<unsigned>(month - year * 12 + 1);
    CalendarRow row;
    const date::sys_days first{date::year{static_cast<int>(year)} / date::month{m} / date::day{1}};
    row.start = ymd_text(first.time_since_epoch().count());
    row.label = row.start.substr(0, 7);
    assign(row, std::move(f));
    r.months.push_back(std::move(row));
  }
  return r;
}

}  // namespace clown::reports
