// The resource attributes `clown run` gives Claude Code's telemetry
// (launcher/claude_telemetry.hpp): the run, the profile and this machine's id
// (what a central clownd files another machine's requests under,
// docs/api.md#team), with the user's own OTEL_RESOURCE_ATTRIBUTES kept.
#include <catch2/catch.hpp>

#include "launcher/claude_telemetry.hpp"

using namespace clown;

namespace {

std::string resource_of(const std::string& machine_id, const std::string& user_resource) {
  const launcher::OtelTarget target{8765, "tok", machine_id};
  return launcher::telemetry_env(target, "r1", "work", user_resource).at("OTEL_RESOURCE_ATTRIBUTES");
}

}  // namespace

TEST_CASE("claude telemetry: runs are tagged with this machine's id and keep the user's own resource attributes",
          "[launcher][team]") {
  const std::string id = "0f8e0000-0000-4000-8000-000000000001";
  CHECK(resource_of(id, "") == "clown.run_id=r1,clown.profile=work,clown.machine_id=" + id);
  CHECK(resource_of("", "") == "clown.run_id=r1,clown.profile=work");
  // clown.user and others stay; clown's own run and profile win.
  CHECK(resource_of(id, "clown.user=alice,clown.run_id=x,team=a,clown.profile=y,") ==
        "clown.run_id=r1,clown.profile=work,clown.machine_id=" + id + ",clown.user=alice,team=a");
  // A machine id the user set wins over this machine's.
  CHECK(resource_of(id, "clown.machine_id=laptop-2") == "clown.run_id=r1,clown.profile=work,clown.machine_id=laptop-2");
}
