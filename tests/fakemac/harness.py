"""Run the real capture script on the fake Mac (see README.md in this folder).

>>> r = run_capture(SCENARIOS / "minimal", args=["--duration", "2"])   # doctest: +SKIP
>>> r.returncode, r.bundle_path.name                                   # doctest: +SKIP
(0, 'nettrace-MacBook-Pro-20251228T021400Z.tar.gz')
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal as _signal
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CompletedCapture", "run_capture", "read_scenario_env", "read_bundle", "SCRIPT", "FAKEMAC"]

ROOT = Path(__file__).resolve().parents[2]
FAKEMAC = Path(__file__).resolve().parent
FAKECMD = FAKEMAC / "fakecmd"
SCRIPT = ROOT / "nettrace" / "capture" / "nettrace-capture.sh"
SCENARIOS = ROOT / "tests" / "scenarios"

# commands the stub answers from the environment, present on every fake Mac
BUILTIN_STUBS = ("date", "id", "hostname", "sudo")
# real tools the script may use to do its own work (never network commands)
REAL_TOOLS = ("awk", "basename", "cat", "cksum", "cp", "cut", "dirname", "find", "gzip", "head", "mkdir", "mktemp",
              "mv", "openssl", "rm", "sed", "sha256sum", "shasum", "sleep", "sort", "tail", "tar", "tr", "wc")


@dataclass
class CompletedCapture:
    bundle_path: Path | None
    stdout: str
    stderr: str
    returncode: int


def read_scenario_env(scenario_dir: Path) -> dict[str, str]:
    """``scenario.env`` as a dict (``KEY=VALUE`` lines, shell quoting, ``#`` comments)."""
    env: dict[str, str] = {}
    path = Path(scenario_dir) / "scenario.env"
    if not path.is_file():
        return env
    for line in path.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "export":
            words = words[1:]
        for word in words:
            if "=" in word:
                key, value = word.split("=", 1)
                env[key] = value
    return env


def _fake_bin(scenario_dir: Path, dest: Path) -> Path:
    """A PATH folder: stubs for the commands the scenario has files for, plus the real tools."""
    dest.mkdir(parents=True, exist_ok=True)
    names = {p.name for p in Path(scenario_dir).iterdir()}
    for stub in sorted(p.name for p in (FAKEMAC / "bin").iterdir()):
        if stub in BUILTIN_STUBS or any(n.startswith((stub + "_", stub + ".")) for n in names):
            (dest / stub).symlink_to(FAKECMD)
    for tool in REAL_TOOLS:
        found = shutil.which(tool, path="/usr/bin:/bin")
        if found:
            (dest / tool).symlink_to(found)
    return dest


def run_capture(scenario_dir, shell: str = "dash", args=(), env: dict | None = None, timeout: float = 60,
                workdir: Path | None = None, interrupt: int | None = None) -> CompletedCapture:
    """Run nettrace-capture.sh under *shell* on the fake Mac of *scenario_dir*.

    *env* overrides the scenario's variables (a value of None removes one). The bundle goes to
    ``--output`` when *args* has one, else to *workdir* (a fresh temporary folder by default).
    *interrupt*: a signal number sent to the script once a stream file has data in it.
    """
    scenario_dir = Path(scenario_dir).resolve()
    run_dir = Path(tempfile.mkdtemp(prefix="fakemac-"))
    try:
        bindir = _fake_bin(scenario_dir, run_dir / "bin")
        (run_dir / "state").mkdir()
        (run_dir / "tmp").mkdir()
        out_dir = Path(workdir) if workdir else run_dir / "out"
        out_dir.mkdir(parents=True, exist_ok=True)
        senv = read_scenario_env(scenario_dir)
        full = {"HOME": str(run_dir), "PATH": str(bindir), "NETTRACE_PATH": str(bindir), "TMPDIR": str(run_dir / "tmp"),
                "FAKEMAC_SCENARIO": str(scenario_dir), "FAKEMAC_STATE": str(run_dir / "state"),
                "FAKEMAC_UID": "0"}
        full.update({k: v for k, v in senv.items() if k != "FAKEMAC_ARGS"})
        if full.get("FAKEMAC_UID") == "0" and full.get("FAKEMAC_USER"):
            full["SUDO_USER"] = full["FAKEMAC_USER"]
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = str(value)
        argv = [shutil.which(shell) or shell, str(SCRIPT), *map(str, args)]
        if "--output" not in args:
            argv += ["--output", str(out_dir)]
        proc = subprocess.Popen(argv, cwd=run_dir, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        if interrupt is not None:
            _signal_when_streaming(proc, run_dir / "tmp", interrupt, timeout)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, _signal.SIGKILL)
            stdout, stderr = proc.communicate()
            raise
        lines = stdout.strip().splitlines()
        bundle = Path(lines[-1]) if lines and lines[-1].endswith(".tar.gz") else None
        return CompletedCapture(bundle if bundle and bundle.is_file() else None, stdout, stderr, proc.returncode)
    finally:
        _reap(run_dir)
        for sub in ("bin", "state", "tmp"):
            shutil.rmtree(run_dir / sub, ignore_errors=True)
        if workdir:  # else run_dir/out holds the bundle and stays for the caller
            shutil.rmtree(run_dir, ignore_errors=True)


def _signal_when_streaming(proc, tmp: Path, sig: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size > 0 for p in tmp.glob("nettrace.*/*/stream/*.out")):
            time.sleep(0.3)
            proc.send_signal(sig)
            return
        time.sleep(0.1)


def _reap(run_dir: Path) -> None:
    """Kill stray stub processes of this run (a failing script could leave streams behind)."""
    marker = str(run_dir)
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            environ = (pid_dir / "environ").read_bytes()
        except OSError:
            continue
        if f"FAKEMAC_STATE={marker}/state".encode() in environ:
            try:
                os.kill(int(pid_dir.name), _signal.SIGKILL)
            except OSError:
                pass


def read_bundle(path: Path) -> tuple[dict, dict[str, bytes]]:
    """(manifest, {member path relative to the top directory: bytes}) of a bundle."""
    members: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                _, _, rel = m.name.partition("/")
                members[rel] = tar.extractfile(m).read()
    return json.loads(members["manifest.json"]), members
