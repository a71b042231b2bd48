"""Headless Chromium opens every HTML report offline, as a reader would, at 1280 and 400 px.

Every sample's report in English and Chinese (rendered once per session with the e2e tests) is
loaded through the DevTools protocol (``websocket-client``, a Jupyter dependency): a full-page
screenshot at each width goes to ``build/screenshots/<sample>.<lang>.<width>.png``, and the test
fails on a console error or an uncaught exception, and on sideways page scroll (the document wider
than the window; blocks that scroll inside themselves, like a long excerpt, are fine).

Chromium comes from ``/usr/bin/chromium`` (``tests/sysdeps.py`` installs it when root, else the
test skips); Chinese reports need a CJK font (installed the same way).
"""
from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = ROOT / "build" / "screenshots"
WIDTHS = (1280, 400)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-debugging-port=0", "--remote-allow-origins=*"]
# what a page must not do sideways: the widest element that sticks out, for the failure message
OVERFLOW_JS = """(() => {
  const w = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - w;
  let worst = "";
  if (over > 0) {
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 1 && !worst) worst = el.tagName + "." + el.className + ": " + el.textContent.slice(0, 80);
    }
  }
  return JSON.stringify({over, worst, height: document.documentElement.scrollHeight});
})()"""


class Tab:
    """One page over the DevTools protocol: send a command, collect the events that came."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=60, suppress_origin=True)
        self.n = 0
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait(self, event: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            if time.monotonic() > end:
                raise TimeoutError(event)
            self.events.append(json.loads(self.ws.recv()))

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e.get("method") == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text", "exception"))
            elif e.get("method") == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(" ".join(str(a.get("value", "")) for a in p.get("args", [])))
            elif e.get("method") == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium with a DevTools port, for the whole module."""
    from tests.sysdeps import need
    from tests.test_report_e2e import _cjk_font

    chromium = need("chromium")
    pytest.importorskip("websocket", reason="websocket-client (a Jupyter dependency) is not installed")
    _cjk_font()
    profile = tmp_path_factory.mktemp("chromium")
    proc = subprocess.Popen([chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = profile / "DevToolsActivePort"
    for _ in range(300):
        if port_file.is_file() and port_file.read_text().strip():
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("chromium did not open its DevTools port")
    port = int(port_file.read_text().split()[0])
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def _open(base: str) -> tuple[str, str]:
    req = urllib.request.Request(f"{base}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(req, timeout=30) as r:
        target = json.loads(r.read())
    return target["id"], target["webSocketDebuggerUrl"]


def _close(base: str, target: str) -> None:
    urllib.request.urlopen(f"{base}/json/close/{target}", timeout=30).read()


def look(base: str, page: Path, width: int, shot: Path) -> dict:
    """Load *page* at *width*, save a full-page screenshot; ``{"over", "worst", "errors"}``."""
    import base64

    target, ws = _open(base)
    tab = Tab(ws)
    try:
        for domain in ("Page", "Runtime", "Log"):
            tab.call(f"{domain}.enable")
        tab.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
                 mobile=width < 600)
        tab.call("Page.navigate", url=page.as_uri())
        tab.wait("Page.loadEventFired")
        got = json.loads(tab.call("Runtime.evaluate", expression=OVERFLOW_JS, returnByValue=True)["result"]["value"])
        png = tab.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                       clip={"x": 0, "y": 0, "width": width, "height": got["height"], "scale": 1})["data"]
        shot.write_bytes(base64.b64decode(png))
        got["errors"] = tab.errors()
        return got
    finally:
        tab.ws.close()
        _close(base, target)


@pytest.fixture(scope="module")
def reports():
    """Every sample's HTML in both languages, rendered once per session with the e2e tests."""
    from tests.test_report_e2e import rendered, sample_names

    if not sample_names():
        pytest.skip("no samples (run `make samples`)")
    return {f"{name}.{lang}": r["html"] for (name, lang), r in rendered().items()}


def test_every_report_fits_both_widths_without_console_errors(browser, reports):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, html in reports.items():
        for width in WIDTHS:
            shot = SHOTS / f"{name}.{width}.png"
            shot.unlink(missing_ok=True)
            got = look(browser, html, width, shot)
            if got["errors"]:
                problems.append(f"{name} @{width}: console: {got['errors'][:2]}")
            if got["over"] > 0:
                problems.append(f"{name} @{width}: page scrolls sideways by {got['over']} px ({got['worst']})")
            if not (shot.is_file() and shot.stat().st_size > 10_000 and got["height"] > 900):
                problems.append(f"{name} @{width}: no full-page screenshot")
    assert problems == [], "\n".join(problems)
