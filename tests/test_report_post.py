"""``nettrace report``'s command line: the Jekyll/Chirpy post built by a real Jekyll, and every
error path as one line, exit 1, no traceback and nothing half written (#16 points 4 and 5)."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from nettrace.cli import main
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

SAMPLE = SAMPLES / "000-zerotier-loopback-default.tar.gz"
SLUG = "zerotier-default-route-black-hole"


def _sample() -> str:
    if not SAMPLE.is_file():
        pytest.skip("data/samples/000-zerotier-loopback-default.tar.gz missing (run `make samples`)")
    return str(SAMPLE)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One ``--post`` fragment holding the English and the Chinese post of seed 000."""
    out = tmp_path_factory.mktemp("post")
    for lang in ("en", "zh"):
        assert main(["report", _sample(), "--post", "-o", str(out), "--lang", lang]) == 0
    return out


def _front(md: str) -> str:
    return md.split("---\n")[1]


def test_post_layout_and_front_matter(site):
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    assets = f"assets/img/nettrace/{SLUG}"
    assert files == [f"_posts/2025-12-28-{SLUG}-zh.md", f"_posts/2025-12-28-{SLUG}.md",
                     f"{assets}-zh/connectivity.png", f"{assets}-zh/culprit-chain.png", f"{assets}-zh/routes.png",
                     f"{assets}/connectivity.png", f"{assets}/culprit-chain.png", f"{assets}/routes.png"]
    md = (site / f"_posts/2025-12-28-{SLUG}.md").read_text(encoding="utf-8")
    head = _front(md)
    assert f'media_subpath: "/{assets}/"' in head and 'path: "culprit-chain.png"' in head
    assert re.search(r'^date: "2025-12-28 \d\d:\d\d:\d\d \+0800"$', head, re.M)
    assert f"](/{assets}/routes.png)" in md                          # absolute: resolves from any permalink
    assert not re.search(r"\]\((?!/)[^)]*\.png\)", md)                # no relative image link


def test_asset_url_moves_the_figures(tmp_path):
    out = tmp_path / "site"
    assert main(["report", _sample(), "--post", "-o", str(out), "--asset-url", "/img/posts"]) == 0
    md = (out / f"_posts/2025-12-28-{SLUG}.md").read_text(encoding="utf-8")
    assert f"](/img/posts/{SLUG}/culprit-chain.png)" in md and (out / f"img/posts/{SLUG}/routes.png").is_file()


def test_jekyll_builds_the_post_with_every_image(site, tmp_path):
    from tests.sysdeps import need

    jekyll = need("jekyll")
    root = tmp_path / "blog"
    root.mkdir()
    (root / "_config.yml").write_text("title: blog\nmarkdown: kramdown\n", encoding="utf-8")
    subprocess.run(["cp", "-r", f"{site}/.", str(root)], check=True)
    r = subprocess.run([jekyll, "build", "-q", "-s", str(root), "-d", str(root / "_site")], capture_output=True,
                       text=True, timeout=300, env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    assert r.returncode == 0, r.stderr[-1500:]
    pages = [p for p in (root / "_site").rglob("*.html") if SLUG in p.name]
    assert len(pages) == 2, sorted(str(p) for p in (root / "_site").rglob("*.html"))
    for page in pages:
        srcs = re.findall(r'<img[^>]* src="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(srcs) == 3, (page, srcs)
        for src in srcs:
            assert src.startswith("/") and (root / "_site" / src.lstrip("/")).is_file(), (page, src)


# --------------------------------------------------------------------------- clean failures

def _fails(capsys, argv: list[str], want: str) -> None:
    assert main(["report", *argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and want in err[0], err
    assert "Traceback" not in err[0] and not re.search(r"\b[A-Z]\w+Error\b", err[0]), err[0]


def test_bad_bundles_and_parameters_fail_before_papermill_with_nothing_written(tmp_path, capsys, monkeypatch):
    import nettrace.report.render as render

    def no_papermill(*a, **k):
        raise AssertionError("papermill started")

    monkeypatch.setattr(render, "execute", no_papermill)
    out = tmp_path / "out"
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    _fails(capsys, [str(tmp_path / "nope.tar.gz"), "-o", str(out)], "no such bundle")
    _fails(capsys, [str(empty), "-o", str(out)], "not a nettrace bundle")
    _fails(capsys, [str(junk), "-o", str(out)], "not a bundle")
    _fails(capsys, [_sample(), "--lang", "fr", "-o", str(out)], "unknown language 'fr'")
    _fails(capsys, [_sample(), "--format", "pdf", "-o", str(out)], "unknown format 'pdf'")
    _fails(capsys, [_sample(), "--incident-start", "yesterday", "-o", str(out)], "--incident-start 'yesterday'")
    _fails(capsys, [_sample(), "--incident-start", "2025-12-28T03:00:00Z", "--incident-end",
                    "2025-12-28T02:00:00Z", "-o", str(out)], "is after --incident-end")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    _fails(capsys, [_sample(), "-o", str(a_file)], "is a file, not a folder")
    _fails(capsys, [_sample(), "-o", str(a_file / "sub")], "cannot create the folder")
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "empty", "junk.tar.gz"]


def test_existing_postmortem_is_refused_unless_force(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", _sample(), "-o", str(out), "--format", "html"]) == 0
    page = out / "postmortem.html"
    page.write_text("the reader's own edits", encoding="utf-8")
    capsys.readouterr()
    _fails(capsys, [_sample(), "-o", str(out), "--format", "html"], "already holds a postmortem")
    assert page.read_text(encoding="utf-8") == "the reader's own edits"
    assert main(["report", _sample(), "-o", str(out), "--lang", "zh", "--format", "html"]) == 0  # other language
    assert main(["report", _sample(), "-o", str(out), "--format", "html", "--force"]) == 0
    assert "<!DOCTYPE html>" in page.read_text(encoding="utf-8")
    assert not [p for p in out.iterdir() if p.name.startswith(".nettrace-report-")]


def test_failing_notebook_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    import nettrace.report.render as render
    from papermill.exceptions import PapermillExecutionError

    def fails(notebook, output, *a, **k):
        Path(output).write_text("{half}")          # papermill writes as it goes
        raise PapermillExecutionError(4, 5, "KeyError: 'x'", "KeyError", "'x'", [])

    monkeypatch.setattr(render, "execute", fails)
    out = tmp_path / "new"
    _fails(capsys, [_sample(), "-o", str(out)], "the postmortem notebook failed in cell 5")
    assert not out.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    _fails(capsys, [_sample(), "-o", str(kept)], "failed in cell 5")
    assert list(kept.iterdir()) == []
