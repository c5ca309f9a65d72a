#!/bin/sh
# Every `docs/<file>.md#<anchor>` cited in the tree (code comments, docs,
# README) names an anchor that exists: an `<a id="...">` in that file.
#   tests/check_doc_anchors.sh <source dir>
set -eu
cd "${1:-.}"
python3 - <<'PY'
import pathlib, re, sys
ref = re.compile(r'(?:docs/)?([a-z0-9-]+\.md)#([A-Za-z0-9_-]+)')
# Anchors: <a id="..."> and heading attributes {#...}.
anchors = {p.name: set(re.findall(r'<a id="([^"]+)"|\{#([A-Za-z0-9_-]+)\}', p.read_text())) for p in pathlib.Path("docs").glob("*.md")}
anchors = {name: {a or b for a, b in found} for name, found in anchors.items()}
missing = []
for path in pathlib.Path(".").rglob("*"):
    if path.parts[0] in (".git", "build") or path.suffix not in (".cpp", ".hpp", ".md", ".toml", ".sh", ".txt", ".html", ".js"):
        continue
    if path.parts[0] == "tests" and "data" in path.parts:
        continue
    text = path.read_text(errors="replace")
    for n, line in enumerate(text.splitlines(), 1):
        for m in ref.finditer(line):
            name, anchor = m.groups()
            # A bare "file.md#x" outside docs/ is a link relative to that file.
            if m.group(0).startswith("docs/") or path.parent.name == "docs":
                if name in anchors and anchor not in anchors[name]:
                    missing.append(f"{path}:{n}: {name}#{anchor}")
for m in missing:
    print(m)
print(f"check_doc_anchors: {len(missing)} missing anchor(s)")
sys.exit(1 if missing else 0)
PY
