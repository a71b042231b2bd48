"""The capture where it matters most (issue 17): other shells and Apple-like tools, full disks,
long runs, interrupts in every phase, redaction of every user and host name.

Every run is a real capture on the fake Mac (tests/fakemac/). The runs are independent, so one
module fixture starts them side by side (they mostly wait on their --duration) and each test
reads the result of its own. Set FAKEMAC_SCRIPT to another capture script to see which of these
cases it fails.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest

from nettrace.capture.redaction import leftovers
from nettrace import catalog
from nettrace.catalog import load_catalog
from tests.conftest import ROOT, SCENARIOS
from tests.fakemac.harness import SCRIPT, read_bundle, start_capture, streaming
from tests.sysdeps import need

pytestmark = pytest.mark.slow
MINIMAL = SCENARIOS / "minimal"
SCHEMA = json.loads((ROOT / "nettrace" / "data" / "bundle.schema.json").read_text())
SHORT = ["--duration", "3", "--interval", "1"]
STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t")
INT, TERM, HUP = signal.SIGINT, signal.SIGTERM, signal.SIGHUP
LOG_KEY = next(p.name[: -len(".out")] for p in MINIMAL.glob("log_show_*.out"))
DEFERRED = "signal received while the bundle is being finished"


# ---- the fake Macs -------------------------------------------------------------------------------
def scenario(base: Path, name: str, files: dict[str, str] | None = None, copies: dict[str, str] | None = None) -> Path:
    """A copy of the minimal scenario under *base* with *files* written and *copies* (new <- old)."""
    dest = base / name
    shutil.copytree(MINIMAL, dest)
    for new, old in (copies or {}).items():
        shutil.copy(dest / old, dest / new)
    for fname, text in (files or {}).items():
        (dest / fname).write_text(text)
    return dest


def two_users(base: Path) -> Path:
    """Another account (alice, uid 502) in ps, a third (bob) only in a /Users path, and a host name
    with a backslash (what `hostname` says on a Mac named by hand)."""
    s = scenario(base, "two-users")
    ps = s / "ps_-axww_-o_pid,ppid,uid,user,lstart,command.out"
    ps.write_text(ps.read_text()
                  + " 2210     1   502 alice            Sun Dec 28 09:30:02 2025     /Users/alice/bin/sync-agent --home /Users/alice\n"
                  + " 2211  2210   502 alice            Sun Dec 28 09:30:03 2025     /usr/bin/ssh -F /Users/bob/.ssh/config gw\n")
    lsof = s / "lsof_-nP_-w.out"
    lsof.write_text(lsof.read_text() + "sync-agen 2210  alice  txt   REG  1,18  1024  77 /Users/alice/bin/sync-agent\n")
    (s / "uname_-a.out").write_text((s / "uname_-a.out").read_text().replace("MacBook-Pro.local", "Noah\\Lab.local"))
    env = s / "scenario.env"
    env.write_text(env.read_text().replace("FAKEMAC_HOST=MacBook-Pro.local", "FAKEMAC_HOST='Noah\\Lab.local'"))
    return s


def fat_stream(base: Path) -> Path:
    line = "RTM_IFINFO: iface status change: len 112, if# 4, flags:<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> " + "x" * 1900
    return scenario(base, "fat-stream", {"route_-n_monitor.out": "\n".join([line] * 1500) + "\n"})


PACKAGES = {"original-awk": "original-awk", "bsdtar": "libarchive-tools", "zsh": "zsh", "busybox": "busybox",
            "dash": "dash", "bash": "bash"}


def which(program: str) -> str:
    """The program's path (installed by tests/sysdeps.py when root); raises Skipped otherwise."""
    return need(program, PACKAGES.get(program))


def apple_tools() -> dict:
    """Apple-like awk (the one true awk) and bsdtar; no sha256sum (a Mac has shasum)."""
    return {"awk": which("original-awk"), "tar": which("bsdtar"), "sha256sum": None}


SHELL_PROGRAMS = {"bash-posix": "bash", "zsh-emulate": "zsh", "busybox": "busybox"}


def called(key: str, n: int = 1, who: str = "root"):
    """A `when` for Capture.signal_when: the fake command *key* has been called *n* times."""
    key = re.sub(r"[^A-Za-z0-9._,-]", "_", key)   # the dispatcher's call-count file name

    def when(cap):
        f = cap.state / f"{key}.{who}.n"
        return f.is_file() and f.read_text().strip() == str(n)
    return when


def started(tool: str):
    return lambda cap: (cap.state / f"{tool}.started").is_file()


def after_streaming(cap) -> bool:
    return streaming(cap) and time.sleep(0.3) is None


class Mount:
    """A small tmpfs (a full disk on demand); skips the test when mounting is not possible."""

    def __init__(self, path: Path, kb: int):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "nettrace-test", str(path)],
                           capture_output=True, text=True)
        self.error = None if r.returncode == 0 else (r.stderr.strip() or "mount failed")

    def close(self):
        if self.error is None:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


# ---- the runs ------------------------------------------------------------------------------------
def plan(base: Path) -> dict:
    """name -> a function giving (start_capture kwargs, None or (when, signals)); a function may
    raise Skipped (a package it needs cannot be had), which skips that run alone."""
    runs = {}
    # shells and tools: the Mac's /bin/sh (bash in POSIX mode), zsh both ways, dash, busybox sh with
    # busybox's tools; all with Apple-like awk, bsdtar, shasum and no sha256sum
    for shell in ("dash", "bash-posix", "zsh", "zsh-emulate", "busybox"):
        runs[f"shell-{shell}"] = lambda shell=shell: (dict(
            shell=shell, args=[*SHORT, "--logs", "1"], tools=apple_tools(), spy=("tar",),
            busybox=which("busybox") if shell == "busybox" else None), None)
    # zsh writes here-documents to $TMPPREFIX (default /tmp/zsh) whatever TMPDIR says
    runs["heredoc-zsh"] = lambda: (dict(shell="zsh", args=SHORT, env={"TMPPREFIX": "/nonexistent/zsh"}), None)
    # the redaction of every user and host name, with the Apple-like awk
    runs["redact-users"] = lambda: (dict(scenario=two_users(base), args=[*SHORT, "--redact"], tools=apple_tools()), None)
    # a weekend-long run in seconds: 1,100 periodic snapshots (a stepping clock, instant stubs),
    # redacted, under a 128 KB argument limit
    instant = {"netstat": "default 203.0.113.9 UGScg en0\ndefault 17.1.2.3 UGScg en0 8:0:27:aa:bb:cc\n",
               "ifconfig": "en0: flags=8863<UP> mtu 1500\n\tether 8:0:27:aa:bb:cc\n\tinet 17.1.2.3 netmask 0xffffff00\n"}
    runs["long"] = lambda: (dict(args=["--duration", "1101", "--interval", "1", "--redact", "--probe", "1.1.1.1"],
                                 clock="step", instant=instant, stack_kb=512, timeout=240), None)
    # interrupts, in every phase (a Ctrl-C is a SIGINT to the terminal's whole process group)
    runs["int-start-zsh"] = lambda: (dict(shell="zsh", scenario=scenario(base, "hang-start", {"lsof_-nP_-w.hang": ""}),
                                          timeout=45), (called("lsof_-nP_-w"), [(INT, True)]))
    runs["int-probe-zsh"] = lambda: (dict(shell="zsh", scenario=scenario(base, "hang-probe", {
        "traceroute_-n_-m_8_-w_1_-q_1_1.1.1.1.root.hang": ""}), timeout=45),
        (called("traceroute_-n_-m_8_-w_1_-q_1_1.1.1.1"), [(INT, True)]))
    runs["hup-stream-dash"] = lambda: (dict(args=["--duration", "60"]), (after_streaming, [(HUP, True)]))
    runs["int-end-zsh"] = lambda: (dict(shell="zsh", scenario=scenario(base, "hang-end", {"lsof_-nP_-w.2.hang": ""},
                                                                       {"lsof_-nP_-w.2.out": "lsof_-nP_-w.out"}),
                                        timeout=45), (called("lsof_-nP_-w", 2), [(INT, True)]))
    runs["int-log-zsh"] = lambda: (dict(shell="zsh", args=[*SHORT, "--logs", "1"],
                                        scenario=scenario(base, "hang-log", {f"{LOG_KEY}.hang": ""}), timeout=45),
                                   (called(LOG_KEY), [(INT, True)]))
    for step, tool, match in (("redact", "awk", "redact.awk"), ("manifest", "cksum", None), ("tar", "tar", None)):
        args = [*SHORT, "--redact"] if step == "redact" else SHORT
        runs[f"int-{step}-dash"] = lambda args=args, tool=tool, match=match: (
            dict(args=args, slow={tool: (1.5, match)}), (started(tool), [(INT, True), (INT, True)]))
    return runs


def run_one(base: Path, name: str, kwargs, signals):
    if isinstance(kwargs, str):           # the reason a package is missing
        return {"skip": kwargs}
    kwargs = dict(kwargs)
    sc = kwargs.pop("scenario", MINIMAL)
    kwargs.setdefault("args", SHORT)
    kwargs.setdefault("timeout", 60)
    out = base / f"out-{name}"
    out.mkdir()
    t0 = time.monotonic()
    cap = start_capture(sc, workdir=out, **kwargs)
    sent = cap.signal_when(*signals) if signals else None
    try:
        result = cap.wait()
    except subprocess.TimeoutExpired:
        return {"error": f"no exit within {kwargs['timeout']} s", "seconds": time.monotonic() - t0}
    return {"result": result, "sent": sent, "seconds": time.monotonic() - t0, "work": out}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("hard")
    todo = {}
    for name, make in plan(base).items():   # a run whose shell or tools cannot be had is skipped alone
        try:
            kw, sig = make()
            shell = kw.get("shell", "dash")
            which(SHELL_PROGRAMS.get(shell, shell))
            todo[name] = (kw, sig)
        except pytest.skip.Exception as why:
            todo[name] = (str(why), None)
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = {name: pool.submit(run_one, base, name, kw, sig) for name, (kw, sig) in todo.items()}
        done = {name: f.result() for name, f in futures.items()}
    done["_seconds"] = time.monotonic() - t0
    print(f"\n{len(todo)} captures in {done['_seconds']:.1f} s: "
          + ", ".join(f"{n} {d['seconds']:.1f}" for n, d in done.items() if n != "_seconds" and "seconds" in d))
    return done


def get(runs, name):
    run = runs[name]
    if "skip" in run:
        pytest.skip(run["skip"])
    assert "error" not in run, f"{name}: {run['error']}"
    return run["result"]


def bundle(runs, name, rc=0):
    result = get(runs, name)
    assert result.returncode == rc, (name, result.returncode, result.stderr[-2000:])
    assert result.bundle_path is not None, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == str(result.bundle_path)
    manifest, members = read_bundle(result.bundle_path)
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    return result, manifest, members


def hashes_match(manifest, members) -> int:
    checked = 0
    for c in manifest["commands"]:
        for path_key, size_key, hash_key in (("output", "bytes", "sha256"), ("stderr", "stderr_bytes", "stderr_sha256")):
            if c[path_key] is not None:
                data = members[c[path_key]]
                assert (len(data), hashlib.sha256(data).hexdigest()) == (c[size_key], c[hash_key]), c[path_key]
                checked += 1
    return checked


def entries(manifest, name, **match):
    return [c for c in manifest["commands"] if c["name"] == name and all(c[k] == v for k, v in match.items())]


# ---- shells and Apple-like tools -----------------------------------------------------------------
@pytest.mark.parametrize("shell", ["dash", "bash-posix", "zsh", "zsh-emulate", "busybox"])
def test_every_shell_with_apple_tools_writes_a_whole_bundle(runs, shell):
    result, manifest, members = bundle(runs, f"shell-{shell}")
    assert hashes_match(manifest, members) > 100
    for spec in load_catalog():
        assert entries(manifest, spec.name), spec.name
    # zsh's builtin `log` would answer "too many arguments"; the real (fake) log must run
    (log,) = entries(manifest, "log_show")
    assert log["exit_code"] == 0 and json.loads(members["log/log_show.ndjson"])["processID"] == 382
    monitor = members["stream/route_monitor.out"].decode()
    assert "\tRTM_ADD: Add Route: len 176" in monitor and all(STAMPED.match(x) for x in monitor.splitlines())
    # macOS tar gets COPYFILE_DISABLE=1 (no ._* AppleDouble members); the bundle is bsdtar's
    assert "COPYFILE_DISABLE=1" in result.spied["tar"]
    assert not [m for m in members if "/._" in m or m.startswith("._")]
    # the route monitor is drained by a routing-socket read before it is stopped
    assert "draining route monitor (route -n get 127.0.0.1)" in members["capture.log"].decode()
    assert {c["redacted"] for c in manifest["commands"]} == {False} and manifest["redaction"] is None


def test_no_here_documents_in_the_script():
    """bash 3.2 and zsh write here-documents to /tmp (zsh: $TMPPREFIX) whatever TMPDIR says."""
    code = [line for line in SCRIPT.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if re.search(r"<<-?\s*['\"]?[A-Za-z_]", line)]


def test_zsh_with_an_unwritable_here_document_folder_still_captures(runs):
    _, manifest, members = bundle(runs, "heredoc-zsh")
    assert len(manifest["commands"]) > 50
    assert entries(manifest, "netstat_routes", phase="start")[0]["exit_code"] == 0


# ---- a long run ----------------------------------------------------------------------------------
def test_1100_snapshots_number_validate_and_redact(runs):
    result, manifest, members = bundle(runs, "long")
    periodic = entries(manifest, "netstat_routes", phase="periodic")
    assert [c["seq"] for c in periodic] == list(range(1, 1101))
    assert periodic[998]["output"] == "periodic/999/netstat_routes.out"
    assert periodic[999]["output"] == "periodic/1000/netstat_routes.out"
    assert "periodic/1100/ifconfig.out" in members
    assert hashes_match(manifest, members) > 4400
    # with --redact every member is redacted, and the manifest says so per command
    assert manifest["redaction"]["members"] == len(members) - 1
    assert {c["redacted"] for c in manifest["commands"]} == {True}
    text = b"".join(members.values()).decode()
    for leak in ("17.1.2.3", "8:0:27:aa:bb:cc", "1.1.1.1", "noblee", "MacBook-Pro"):
        assert leak not in text, leak
    assert members["periodic/1100/netstat_routes.out"].decode().startswith("default 203.0.113.9 UGScg en0\ndefault 198.18.")


# ---- interrupts in every phase -------------------------------------------------------------------
@pytest.mark.parametrize("name,phase,killed", [
    ("int-start-zsh", "start", ("lsof", "start")), ("int-probe-zsh", "probe", ("probe_traceroute", "probe")),
    ("int-end-zsh", "end", ("lsof", "end")), ("int-log-zsh", "log", ("log_show", "log"))])
def test_ctrl_c_under_zsh_stops_the_running_command_at_once(runs, name, phase, killed):
    """zsh's `wait` does not return on a trapped signal: the old script sat out lsof's 90 s (or
    log show's 120 s) before it stopped."""
    assert runs[name].get("sent") is True, runs[name]
    result, manifest, members = bundle(runs, name, rc=130)
    # the whole run ended before the killed command's own timeout could have: it was cut, not sat out
    assert runs[name]["seconds"] < catalog.get(killed[0]).timeout, (runs[name]["seconds"], catalog.get(killed[0]).timeout)
    assert manifest["interrupted"] is True
    cut = [c for c in entries(manifest, killed[0], phase=killed[1]) if c["skipped"] is None]
    assert cut and cut[-1]["exit_code"] is not None and cut[-1]["timed_out"] is False
    later = {"start": "end", "probe": "end", "end": "end", "log": None}[phase]
    if later:
        assert {c["skipped"] for c in manifest["commands"] if c["phase"] == later} - {None} == {"interrupted"}


def test_hangup_mid_stream_still_writes_the_bundle(runs):
    """Closing the Terminal sends SIGHUP, which the old script did not trap (it died, the work
    folder was left in TMPDIR and nothing was written)."""
    result, manifest, members = bundle(runs, "hup-stream-dash", rc=129)
    assert manifest["interrupted"] is True
    streams = [c for c in manifest["commands"] if c["kind"] == "stream" and c["output"]]
    assert len(streams) == 4 and any(members[c["output"]] for c in streams)
    assert {c["skipped"] for c in manifest["commands"] if c["phase"] == "end"} == {"interrupted"}


@pytest.mark.parametrize("step", ["redact", "manifest", "tar"])
def test_two_ctrl_c_while_finishing_are_deferred_and_the_bundle_stays_true(runs, step):
    """Ctrl-C twice during the redaction / the checksums / tar: the steps run to the end, a
    message says so, and the bundle is whole (the old script shipped an unredacted "redacted"
    bundle, an invalid manifest, or deleted the capture)."""
    name = f"int-{step}-dash"
    assert runs[name].get("sent") is True, runs[name]
    result, manifest, members = bundle(runs, name, rc=130)
    assert DEFERRED in result.stderr
    assert manifest["interrupted"] is False      # nothing was cut: the signals came after the capture
    assert hashes_match(manifest, members) > 100
    if step == "redact":
        assert manifest["redaction"]["members"] == len(members) - 1
        text = b"".join(members.values()).decode()
        assert "noblee" not in text and "MacBook-Pro" not in text and "1.1.1.1" not in text


# ---- redaction -----------------------------------------------------------------------------------
def test_redaction_covers_every_user_and_a_host_name_with_a_backslash(runs):
    result, manifest, members = bundle(runs, "redact-users")
    text = "\n".join(m + "\n" + d.decode() for m, d in members.items())
    for name in ("noblee", "alice", "bob", "Noah\\Lab", "MacBook-Pro"):
        assert name.lower() not in text.lower(), name
    assert manifest["user"] == "user1" and manifest["redaction"]["users"] == 3
    ps = members["start/ps.out"].decode()
    assert re.search(r"^ 2210 +1 +502 user\d +.* /Users/user\d/bin/sync-agent --home /Users/user\d$", ps, re.M)
    assert "/Users/user" in members["start/lsof.out"].decode()
    assert "Darwin host1.local 25.2.0" in members["start/uname.out"].decode()
    assert leftovers(manifest, members) == []


# ---- full disks ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def disks(tmp_path_factory):
    """Each case on its own small tmpfs (skipped when the tests cannot mount one)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    base = tmp_path_factory.mktemp("disks")
    big = fat_stream(base)
    cases = {  # name: (tmpfs KB, where it is: TMPDIR or output, scenario, args)
        "fills-late": (700, "tmp", MINIMAL, SHORT),
        "fills-as-streams-start": (640, "tmp", big, SHORT),
        "output-full": (8, "out", MINIMAL, SHORT),
        "redact-no-room": (900, "tmp", MINIMAL, [*SHORT, "--redact"]),
    }
    mounts = {name: Mount(base / f"mnt-{name}", kb) for name, (kb, *_rest) in cases.items()}
    try:
        if any(m.error for m in mounts.values()):
            pytest.skip(f"cannot mount a tmpfs: {next(m.error for m in mounts.values() if m.error)}")
        todo = {}
        for name, (_kb, where, sc, args) in cases.items():
            kw = {"scenario": sc, "args": args, "timeout": 40}
            if where == "tmp":
                kw["env"] = {"TMPDIR": str(mounts[name].path)}
            else:   # TMPDIR outside the harness's run folder, which it removes: the capture is kept there
                kw["args"] = [*args, "--output", str(mounts[name].path)]
                (base / f"tmp-{name}").mkdir()
                kw["env"] = {"TMPDIR": str(base / f"tmp-{name}")}
            todo[name] = kw
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = {n: pool.submit(run_one, base, n, kw, None) for n, kw in todo.items()}
            done = {n: f.result() for n, f in futures.items()}
        for name, run in done.items():
            run["mount"] = mounts[name].path
            run["left"] = sorted(str(p) for p in mounts[name].path.iterdir())
        yield done
    finally:
        for m in mounts.values():
            m.close()


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.mark.parametrize("case", ["fills-late", "fills-as-streams-start"])
def test_full_work_disk_gives_a_true_manifest_exit_3_and_says_so(disks, case):
    """The old script hung forever (streams it could not stop) or exited 0 with an empty manifest."""
    result, manifest, members = bundle(disks, case, rc=3)
    assert manifest["disk_full"] is True
    assert hashes_match(manifest, members) > 10
    assert "filled up" in last_line(result.stderr) and str(result.bundle_path) in last_line(result.stderr)
    assert entries(manifest, "netstat_routes", phase="start")[0]["exit_code"] == 0
    if case == "fills-as-streams-start":
        monitor = entries(manifest, "route_monitor")[0]
        assert monitor["truncated"] is True
        assert members["stream/route_monitor.out"].decode().splitlines()[-1].endswith("\t[nettrace: stopped: disk full]")
        assert {c["skipped"] for c in manifest["commands"] if c["phase"] == "end"} == {"disk full"}


def test_failed_tar_keeps_the_capture_and_says_how_to_finish_it(disks, tmp_path):
    run = disks["output-full"]
    assert "error" not in run, run
    result = run["result"]
    assert result.returncode == 1 and result.bundle_path is None
    line = last_line(result.stderr)
    assert "could not write" in line and "the capture is kept in" in line
    assert not [p for p in run["left"] if p.endswith(".tar.gz")]          # no bundle, not even a partial one
    cmd = re.search(r"then: (tar -czf .*)$", line).group(1)
    target = tmp_path / "finished.tar.gz"
    cmd = re.sub(r"^tar -czf '[^']*'", f"tar -czf '{target}'", cmd)
    subprocess.run(cmd, shell=True, check=True)
    manifest, members = read_bundle(target)
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    assert hashes_match(manifest, members) > 100


def test_redaction_without_room_fails_loudly_and_writes_no_bundle(disks):
    run = disks["redact-no-room"]
    assert "error" not in run, run
    result = run["result"]
    if result.returncode in (0, 3):   # it had room after all: then it must be whole and redacted
        manifest, members = read_bundle(result.bundle_path)
        assert manifest["redaction"]["members"] == len(members) - 1
        pytest.fail("the tmpfs was large enough for the redacted copy: shrink it")
    assert result.returncode == 1 and result.bundle_path is None
    assert "--redact failed, so no bundle was written" in last_line(result.stderr)
    assert not list(run["work"].glob("*.tar.gz*"))


def retar(src: Path, dest: Path, edit) -> Path:
    """A copy of bundle *src* with ``edit(manifest, members)`` applied and the manifest's sizes and
    hashes brought up to date (so only the redaction check can object)."""
    manifest, members = read_bundle(src)
    edit(manifest, members)
    for c in manifest["commands"]:
        for path_key, size_key, hash_key in (("output", "bytes", "sha256"), ("stderr", "stderr_bytes", "stderr_sha256")):
            if c[path_key] is not None:
                data = members[c[path_key]]
                c[size_key], c[hash_key] = len(data), hashlib.sha256(data).hexdigest()
    members["manifest.json"] = json.dumps(manifest, indent=1).encode()
    top = src.name[: -len(".tar.gz")]
    with tarfile.open(dest, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dest


def verify(path: Path, capsys) -> subprocess.CompletedProcess:
    """`nettrace verify PATH`, in this process."""
    from nettrace.cli import main
    capsys.readouterr()
    rc = main(["verify", str(path)])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["nettrace", "verify", str(path)], rc, out.out, out.err)


def test_verify_finds_what_a_redaction_left(runs, tmp_path, capsys):
    result, _, _ = bundle(runs, "redact-users")
    clean = verify(result.bundle_path, capsys)
    assert clean.returncode == 0, clean.stdout

    def leak(manifest, members):
        members["start/arp.out"] += b"? (8.8.8.8) at 3c:22:fb:11:22:33 on en0 ifscope [ethernet]\n"
        members["end/ps.out"] += b" 3001     1   503 carol            Sun Dec 28 09:31:00 2025     /Users/carol/x\n"
    out = verify(retar(result.bundle_path, tmp_path / "leaky.tar.gz", leak), capsys)
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert any(x.startswith("start/arp.out:") and "MAC address 3c:22:fb:11:22:33 left after --redact" in x for x in lines)
    assert any("public IPv4 8.8.8.8 left after --redact" in x for x in lines)
    assert any(x.startswith("end/ps.out:") and "user name 'carol'" in x for x in lines)
    assert not [x for x in lines if "sha256" in x or "size" in x]     # the integrity itself is fine

    def old_style(manifest, members):   # what the capture before 0.2 wrote: a claim, no record
        del manifest["redaction"]
        for c in manifest["commands"]:
            del c["redacted"]
    out = verify(retar(result.bundle_path, tmp_path / "old.tar.gz", old_style), capsys)
    assert out.returncode == 1 and "does not record the redaction" in out.stdout
