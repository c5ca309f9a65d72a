#!/usr/bin/env python3
"""The OpenTelemetry Collector configs in contrib/otel-collector parse as YAML
and hang together: every component a pipeline names is defined, every defined
one is used, extensions are enabled; the one that feeds a central clownd
(docs/api.md#team) exports OTLP/HTTP JSON with the team token as a bearer
header to /v1/logs and /v1/metrics. No otelcol binary is in Debian, so its own
validation cannot run here. Usage: check_collector_configs.py CONTRIB_DIR"""
import os
import sys

import yaml


def check(path):
    with open(path) as f:
        cfg = yaml.safe_load(f)
    errors = []
    service = cfg.get("service", {})
    for ext in service.get("extensions", []):
        if ext not in cfg.get("extensions", {}):
            errors.append(f"extension {ext} is enabled but not defined")
    used = {"receivers": set(), "processors": set(), "exporters": set()}
    for name, pipeline in service.get("pipelines", {}).items():
        if name.split("/")[0] not in ("logs", "metrics", "traces"):
            errors.append(f"pipeline {name} is not logs, metrics or traces")
        for kind in used:
            for component in pipeline.get(kind, []):
                used[kind].add(component)
                if component not in cfg.get(kind, {}):
                    errors.append(f"pipeline {name} names {kind[:-1]} {component}, which is not defined")
    for kind, names in used.items():
        for defined in cfg.get(kind, {}) or {}:
            if defined not in names:
                errors.append(f"{kind[:-1]} {defined} is defined but no pipeline uses it")
    return cfg, errors


def main():
    folder = os.path.join(sys.argv[1], "otel-collector")
    failed = False
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".yaml"):
            continue
        cfg, errors = check(os.path.join(folder, file))
        if file == "central-clownd.yaml":
            exp = cfg["exporters"]["otlphttp/clownd"]
            if exp.get("encoding") != "json":
                errors.append("the clownd exporter must send encoding: json (clownd takes OTLP/HTTP JSON only)")
            if not exp.get("headers", {}).get("Authorization", "").startswith("Bearer "):
                errors.append("the clownd exporter must send Authorization: Bearer <team token>")
            for name in ("logs", "metrics"):
                if "otlphttp/clownd" not in cfg["service"]["pipelines"][name]["exporters"]:
                    errors.append(f"the {name} pipeline does not export to clownd")
        for e in errors:
            print(f"{file}: {e}", file=sys.stderr)
        failed = failed or bool(errors)
        print(f"{file}: {'FAILED' if errors else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
