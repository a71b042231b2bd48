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
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CompletedCapture", "Capture", "start_capture", "run_capture", "streaming", "read_scenario_env", "read_bundle",
           "SCRIPT", "FAKEMAC", "SHELLS"]

ROOT = Path(__file__).resolve().parents[2]
FAKEMAC = Path(__file__).resolve().parent
FAKECMD = FAKEMAC / "fakecmd"
SCRIPT = Path(os.environ.get("FAKEMAC_SCRIPT") or ROOT / "nettrace" / "capture" / "nettrace-capture.sh")  # another script: to see a test fail on it
SCENARIOS = ROOT / "tests" / "scenarios"

# commands the stub answers from the environment, present on every fake Mac
BUILTIN_STUBS = ("date", "id", "hostname", "sudo")
# real tools the script may use to do its own work (never network commands)
REAL_TOOLS = ("awk", "basename", "cat", "cksum", "cp", "cut", "dd", "dirname", "find", "gzip", "head", "mkdir", "mktemp",
              "mv", "openssl", "rm", "sed", "sh", "sha256sum", "shasum", "sleep", "sort", "tail", "tar", "tr", "wc", "xargs")


@dataclass
class CompletedCapture:
    bundle_path: Path | None
    stdout: str
    stderr: str
    returncode: int
    spied: dict = field(default_factory=dict)   # {tool: what its spy wrapper saw} (see _fake_bin's spy)


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


def _fake_bin(scenario_dir: Path, dest: Path, tools: dict | None = None, busybox: str | None = None,
              slow: dict | None = None, instant: dict | None = None, clock: str | None = None,
              spy: tuple = ()) -> Path:
    """A PATH folder: stubs for the commands the scenario has files for, plus the real tools.

    *tools* maps a tool name to the program to use instead (None: leave it out, as a Mac has no
    ``sha256sum``); *busybox* (its path) makes every other real tool a busybox applet; *slow* maps
    a tool to (seconds, substring): when its arguments contain the substring (None: always) it
    touches ``state/<tool>.started`` and waits that long before running; *instant* maps a fake
    command to its whole output (a stub that returns at once); *clock* "step" makes ``date +%s``
    advance one second per call and ``sleep 1`` return at once (a long run in seconds); a tool in
    *spy* appends its arguments and ``COPYFILE_DISABLE`` to ``state/<tool>.spy`` before running.
    """
    dest.mkdir(parents=True, exist_ok=True)
    tools = dict(tools or {})
    names = {p.name for p in Path(scenario_dir).iterdir()}
    for stub in sorted(p.name for p in (FAKEMAC / "bin").iterdir()):
        if stub in (instant or {}):
            (dest / f".{stub}.out").write_text(instant[stub])
            _script(dest / stub, f'exec cat "{dest}/.{stub}.out"')
        elif stub in BUILTIN_STUBS or any(n.startswith((stub + "_", stub + ".")) for n in names):
            (dest / stub).symlink_to(FAKECMD)
    applets = set()
    if busybox:
        applets = set(subprocess.run([busybox, "--list"], capture_output=True, text=True).stdout.split())
    for tool in REAL_TOOLS:
        if tool in tools:
            found = tools[tool]
        elif tool in applets:
            found = busybox
        else:
            found = shutil.which(tool, path="/usr/bin:/bin")
        if not found:
            continue
        if tool == "sleep" and clock == "step":
            _script(dest / tool, f'[ "$*" = 1 ] && exit 0; exec {found} "$@"')
        elif tool in spy:
            _script(dest / tool, f'printf "%s COPYFILE_DISABLE=%s\\n" "$*" "${{COPYFILE_DISABLE:-}}" >>"$FAKEMAC_STATE/{tool}.spy"; '
                                 f'exec {found} "$@"')
        elif tool in (slow or {}):
            seconds, match = slow[tool]
            test = f'case "$*" in *{match}*) ;; *) exec {found} "$@";; esac; ' if match else ""
            _script(dest / tool, f'{test}: >"$FAKEMAC_STATE/{tool}.started"; /bin/sleep {seconds}; exec {found} "$@"')
        elif found == busybox:
            _script(dest / tool, f'exec {busybox} {tool} "$@"')
        else:
            (dest / tool).symlink_to(found)
    return dest


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


# shells by name: "zsh-emulate" sources the script from `zsh -c 'emulate sh; ...'`
SHELLS = {"bash-posix": ["bash", "--posix"], "busybox": ["busybox", "sh"],
          "zsh-emulate": ["zsh", "-c", 'emulate sh; . "$0" "$@"']}


class Capture:
    """A capture running in the background (see :func:`start_capture`); :meth:`wait` ends it."""

    def __init__(self, proc, run_dir: Path, workdir, timeout: float):
        self.proc, self.run_dir, self.workdir, self.timeout = proc, run_dir, workdir, timeout
        self.started = time.monotonic()
        self.state = run_dir / "state"

    def signal_when(self, when, signals, poll: float = 0.05) -> bool:
        """Once ``when(self)`` is true, send *signals* [(signal, to_group), ...] 0.3 s apart."""
        deadline = self.started + self.timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if when(self):
                for i, (sig, group) in enumerate(signals):
                    if i:
                        time.sleep(0.3)
                    if self.proc.poll() is None:
                        (os.killpg if group else os.kill)(self.proc.pid, sig)
                return True
            time.sleep(poll)
        return False

    def wait(self) -> "CompletedCapture":
        try:
            left = max(1.0, self.timeout - (time.monotonic() - self.started))
            try:
                stdout, stderr = self.proc.communicate(timeout=left)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, _signal.SIGKILL)
                self.proc.communicate()
                raise
            self.seconds = time.monotonic() - self.started
            lines = stdout.strip().splitlines()
            bundle = Path(lines[-1]) if lines and lines[-1].endswith(".tar.gz") else None
            spied = {p.stem: p.read_text() for p in self.state.glob("*.spy")}
            return CompletedCapture(bundle if bundle and bundle.is_file() else None, stdout, stderr,
                                    self.proc.returncode, spied)
        finally:
            _reap(self.run_dir)
            for sub in ("bin", "state", "tmp"):
                shutil.rmtree(self.run_dir / sub, ignore_errors=True)
            if self.workdir:  # else run_dir/out holds the bundle and stays for the caller
                shutil.rmtree(self.run_dir, ignore_errors=True)


def start_capture(scenario_dir, shell: str = "dash", args=(), env: dict | None = None, timeout: float = 60,
                  workdir: Path | None = None, stack_kb: int | None = None, **bin_options) -> Capture:
    """Start nettrace-capture.sh under *shell* (a program, or a name in :data:`SHELLS`) on the
    fake Mac of *scenario_dir*; *bin_options* go to :func:`_fake_bin`. *stack_kb* lowers the
    stack limit, and with it Linux's limit on an argument list (a quarter of it, at least 128 KB).
    """
    scenario_dir = Path(scenario_dir).resolve()
    run_dir = Path(tempfile.mkdtemp(prefix="fakemac-"))
    bindir = _fake_bin(scenario_dir, run_dir / "bin", **bin_options)
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
    if bin_options.get("clock"):
        full["FAKEMAC_CLOCK"] = bin_options["clock"]
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = str(value)
    words = SHELLS.get(shell, [shell])
    argv = [shutil.which(words[0]) or words[0], *words[1:], str(SCRIPT), *map(str, args)]
    if "--output" not in args:
        argv += ["--output", str(out_dir)]

    def limit():
        if stack_kb:
            import resource
            resource.setrlimit(resource.RLIMIT_STACK, (stack_kb * 1024, resource.getrlimit(resource.RLIMIT_STACK)[1]))

    proc = subprocess.Popen(argv, cwd=run_dir, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=limit if stack_kb else None)
    return Capture(proc, run_dir, workdir, timeout)


def streaming(cap: Capture) -> bool:
    """True once a stream file of the run has data in it."""
    return any(p.stat().st_size > 0 for p in (cap.run_dir / "tmp").glob("nettrace.*/*/stream/*.out"))


def run_capture(scenario_dir, shell: str = "dash", args=(), env: dict | None = None, timeout: float = 60,
                workdir: Path | None = None, interrupt: int | None = None, **options) -> CompletedCapture:
    """Run nettrace-capture.sh under *shell* on the fake Mac of *scenario_dir*.

    *env* overrides the scenario's variables (a value of None removes one). The bundle goes to
    ``--output`` when *args* has one, else to *workdir* (a fresh temporary folder by default).
    *interrupt*: a signal number sent to the script once a stream file has data in it.
    """
    cap = start_capture(scenario_dir, shell=shell, args=args, env=env, timeout=timeout, workdir=workdir, **options)
    if interrupt is not None:
        cap.signal_when(lambda c: streaming(c) and time.sleep(0.3) is None, [(interrupt, False)])
    return cap.wait()


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
