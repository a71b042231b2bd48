"""Rule ``capture-incomplete`` (nettrace/rules/capture.py): what the capture could not see, as info."""
from __future__ import annotations

from nettrace import findings_of

import json

import nettrace
from tests.bundlekit import manifest_for, seed000_files, write_bundle


def findings_with(tmp_path, **manifest_changes):
    files = seed000_files()
    m = manifest_for(files)
    m.update(manifest_changes.pop("top", {}))
    for c in m["commands"]:
        if c["name"] in manifest_changes.get("skip", ()):
            c["skipped"] = "needs root"
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest=json.loads(json.dumps(m))))
    return {f.id: f for f in findings_of(b)}


def test_commands_skipped_for_want_of_root_are_named(tmp_path):
    f = findings_with(tmp_path, skip=("lsof",))["capture-without-root"]
    assert f.severity == "info" and f.params["commands"] == "lsof" and f.severity_reason == "why.capture_limits"


def test_interrupted_capture(tmp_path):
    assert findings_with(tmp_path, top={"interrupted": True})["capture-interrupted"].severity == "info"


def test_a_complete_root_capture_says_nothing(tmp_path):
    got = findings_with(tmp_path)
    assert "capture-without-root" not in got and "capture-interrupted" not in got
