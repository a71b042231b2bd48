"""The rule engine's contracts: each rule module declares what it emits and needs, rules never import
one another, undeclared findings and unsafe system-changing remedies are dropped, every finding says
why its severity was chosen and which facts it rests on, and its prose has no raw codes or
placeholders in either language."""
from __future__ import annotations

from nettrace import findings_of

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

import nettrace
from nettrace import rules
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, messages
from nettrace.render_findings import as_json
from tests.test_samples import ALL, sample

RULES_DIR = Path(rules.__file__).parent


def _load():
    rules._load_rules()
    return rules.RULES


def test_every_rule_module_declares_emits_and_registers_only_those():
    registered = _load()
    for mod in rules.RULE_MODULES:
        m = importlib.import_module(f"nettrace.rules.{mod}")
        assert isinstance(getattr(m, "EMITS", None), tuple) and m.EMITS, mod
        mine = [r for r in registered.values() if r.module == m.__name__]
        assert mine, mod
        for r in mine:
            assert set(r.emits) <= set(m.EMITS)
            for fact in r.facts:
                assert fact in rules.FACT_INPUTS


def test_no_rule_imports_another_rule():
    for path in RULES_DIR.glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nettrace.rules."):
                pytest.fail(f"{path.name} imports {node.module}")
            if isinstance(node, ast.ImportFrom) and node.module == "nettrace.rules":
                assert {a.name for a in node.names} <= {"Context", "rule"}, path.name


def test_every_emitted_id_and_message_key_exists_in_both_languages():
    en, zh = messages("en"), messages("zh")
    finding_keys = {k for k in en if k.startswith(("finding.", "why.", "remedy.", "part.", "who.", "hole."))}
    assert finding_keys <= set(zh), finding_keys - set(zh)
    for r in _load().values():
        for fid in r.emits:
            for lang in (en, zh):
                assert f"finding.{fid}.title" in lang and f"finding.{fid}.summary" in lang
    used = set()
    for path in RULES_DIR.glob("*.py"):
        used |= set(re.findall(r'"((?:why|remedy|part|who|hole|pf)\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert used <= set(en) and used <= set(zh), used - set(en) - set(zh)


def test_undeclared_findings_and_unsafe_remedies_are_dropped(tmp_path):
    from tests.bundlekit import healthy

    b = healthy(tmp_path)
    r = rules.Rule("x", lambda ctx: [], "m", ("ok",), (), (), ())
    unsafe = Remedy("sudo route -n flush", True, "remedy.check_routes")
    safe = Remedy("sudo arp -d -a", True, "remedy.arp_flush_all", safe_because="remedy.safe.arp_relearned")
    out = rules._check(b, r, [Finding("nope", "warning"), Finding("ok", "warning", remedy=[unsafe, safe]),
                              Finding("ok", "info", remedy=[safe, Remedy("netstat -rn", False, "remedy.check_routes")])])
    assert [f.id for f in out] == ["ok", "ok"]
    assert [x.command for x in out[0].remedy] == ["sudo arp -d -a"]
    assert [x.command for x in out[1].remedy] == ["netstat -rn"]
    assert b.warnings["message"].str.contains("does not declare").any()


RAW = re.compile(r"\{[a-z_]+\}|(?:^|[\s(:：（])-(?:[\s),.。；）]|$)|\bno-route\b|\bown-address\b|\bownerless\b\)")


@pytest.mark.parametrize("name", ALL)
def test_findings_say_why_and_on_which_facts_without_raw_codes(name):
    b = sample(name)
    for f in findings_of(b):
        assert f.severity_reason, f.id
        if f.severity != "info":
            assert f.facts, f.id
        for lang in LANGS:
            for text in (f.title(lang), f.summary(lang), f.reason(lang)) + tuple(r.text(lang) for r in f.remedy):
                assert not RAW.search(text), (f.id, lang, text)
        if f.severity == "info":
            assert not [r for r in f.remedy if r.changes_system], f.id


def test_analyze_json_carries_reason_facts_and_skips():
    b = sample("002-tun-proxy-over-en0")
    doc = json.loads(json.dumps(as_json(b, nettrace.findings_of(b)), default=str))
    f = doc["findings"][0]
    assert {"id", "severity", "title", "summary", "culprit", "evidence", "remedy"} <= set(f)  # schema kept
    assert f["severity_reason"]["key"].startswith("why.") and f["severity_reason"]["text"]
    assert "internet:inet" in f["facts"]
    assert {"rule": "route-churn", "missing": ["route_events"], "emits": ["route-churn"]} in doc["skipped"]
    assert doc["facts"]["internet"]["inet"]["netif"] == "utun1024"


@pytest.mark.parametrize("name", ALL)
def test_every_fact_a_finding_cites_is_in_the_json_facts(name):
    b = sample(name)
    doc = json.loads(json.dumps(as_json(b, nettrace.findings_of(b)), default=str))
    facts = doc["facts"]
    known = {f"internet:{fam}" for fam, r in facts["internet"].items() if r}
    known |= {r["ref"] for r in facts["routes"]} | {i["ref"] for i in facts["interfaces"]}
    known |= {f"probe:{p['file']}:{p['line']}" for p in facts["failed_probes"]}
    known |= {"capture:lsof", "capture:interrupted"}
    for f in doc["findings"]:
        assert set(f["facts"]) <= known, (f["id"], set(f["facts"]) - known)


def test_a_silent_traceroute_is_a_failed_probe():
    fp = nettrace.facts_of(sample("002-tun-proxy-over-en0"))
    hows = set(zip(fp.failed_probes["tool"], fp.failed_probes["target"], fp.failed_probes["how"]))
    assert ("traceroute", "1.1.1.1", "no_reply") in hows
