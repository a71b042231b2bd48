"""``nettrace analyze`` text and Markdown as a reader sees them: evidence times in the capture's offset,
unified-log evidence as time, process and message (not a 1 KB ndjson record); JSON keeps UTC."""
from __future__ import annotations

import pytest

import nettrace
from nettrace.render_findings import as_json, as_markdown, as_text
from tests.conftest import SAMPLES

S004 = SAMPLES / "004-openconnect-residue.tar.gz"


@pytest.fixture(scope="module")
def b004():
    if not S004.is_file():
        pytest.skip("sample 004 missing (make samples)")
    return nettrace.load(S004)


def test_text_quotes_log_records_briefly_and_in_the_capture_offset(b004):
    text = as_text(b004, nettrace.findings_of(b004))
    logs = [ln for ln in text.splitlines() if "log/log_show.ndjson:" in ln]
    assert logs, "the OpenConnect sample cites its unified log"
    assert all('"traceID"' not in ln and "openconnect[44718]" in ln for ln in logs)
    assert "Failed to send DPD request. Need to disconnect" in text
    assert "[2025-07-19 13:59:28 +0800]" in text and "05:59:28Z]" not in text
    md = as_markdown(b004, nettrace.findings_of(b004))
    assert "traceID" not in md and "openconnect[44718]" in md


def test_json_keeps_the_raw_record_and_utc(b004):
    doc = as_json(b004, nettrace.findings_of(b004))
    ev = [e for f in doc["findings"] for e in f["evidence"] if e["file"].endswith(".ndjson")]
    assert ev and all(e["text"].startswith("{") for e in ev)
    assert any(str(e.get("timestamp", "")).endswith("Z") or "+00:00" in str(e.get("timestamp", ""))
               for f in doc["findings"] for e in f["evidence"] if e.get("timestamp"))
