"""A tiny document model shared by the HTML page and the Markdown post.

The story functions (:mod:`nettrace.report.story`) build a list of *blocks* — plain JSON-able
dicts — instead of HTML or Markdown. Both renderers here escape every piece of text on the way
out, so a string read from a bundle (a process called ``<script>``, a route comment
``[click](http://evil)``) stays inert text in either format.

Inline content is a list of *spans* ``[kind, text]``: ``text`` (prose: escaped), ``code``
(identifiers, commands, paths, addresses: a code span, never broken mid-token) and ``strong``.

Blocks (``{"type": ...}``):

``h``        ``level``, ``spans``, ``id``
``p``        ``spans``
``quote``    ``spans`` (the TL;DR)
``list``     ``items`` (a list of span lists), ``ordered``
``table``    ``header`` (span lists), ``rows`` (lists of span lists)
``evidence`` ``command``, ``file``, ``line``, ``time``, ``text``, ``note`` — a quoted output with its source
``code``     ``text``, ``lang``, ``caption`` (spans or empty)
``figure``   ``name``, ``png`` (base64), ``alt``, ``caption`` (spans)
``meta``     ``front_matter`` (dict) — not rendered; read by the Markdown writer

>>> blocks = [{"type": "p", "spans": [["text", "pid "], ["code", "<script>"]]}]
>>> to_html(blocks)
'<p>pid <code>&lt;script&gt;</code></p>'
>>> to_markdown(blocks)
'pid `<script>`'
"""
from __future__ import annotations

import html
import re
import string
from typing import Any, Iterable

from nettrace.markup import md_code, md_escape

__all__ = ["fmt", "text", "code", "strong", "link", "to_html", "to_markdown", "md_escape", "md_code",
           "slug", "plain"]

Span = list  # [kind, value]


def text(s: Any) -> Span:
    return ["text", "" if s is None else str(s)]


def code(s: Any) -> Span:
    return ["code", "" if s is None else str(s)]


def strong(s: Any) -> Span:
    return ["strong", "" if s is None else str(s)]


def link(s: Any, href: str) -> Span:
    """A link to a local file the report wrote or found (*href* relative; text and href escaped)."""
    return ["link", "" if s is None else str(s), str(href)]


def fmt(template: str, **params: Any) -> list[Span]:
    """Split a catalog *template* into spans; each ``{field}`` becomes its parameter's span.

    A parameter that is a span (``code(x)``) or a list of spans is used as is; anything else is
    prose. Missing fields stay visible as ``{field}``.

    >>> fmt("pid {pid} wrote {route}", pid=code(382), route=code("default"))
    [['text', 'pid '], ['code', '382'], ['text', ' wrote '], ['code', 'default']]
    """
    out: list[Span] = []
    for literal, field, spec, conv in string.Formatter().parse(template):
        if literal:
            out.append(text(literal))
        if field is None:
            continue
        if field not in params:
            out.append(text("{" + field + "}"))
            continue
        value = params[field]
        if isinstance(value, list) and value and isinstance(value[0], list):
            out.extend(value)
        elif isinstance(value, list) and len(value) == 2 and value[0] in ("text", "code", "strong"):
            out.append(value)
        else:
            out.append(text(format(value, spec) if spec else value))
    return _merge(out)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in spans:
        if merged and s[0] == "text" and merged[-1][0] == "text":
            merged[-1] = ["text", merged[-1][1] + s[1]]
        elif s[1] != "" or s[0] != "text":
            merged.append(list(s))
    return merged


def plain(spans: Iterable[Span]) -> str:
    """The spans as plain text (alt texts, front matter, sentences in tests)."""
    return "".join(str(s[1]) for s in spans)


def slug(s: str) -> str:
    """An HTML id from a heading (keeps CJK characters)."""
    s = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", s.strip().lower()).strip("-")
    return s or "section"


# ---------------------------------------------------------------------------- HTML

def _e(s: str) -> str:
    return html.escape(str(s), quote=True)


def spans_html(spans: Iterable[Span]) -> str:
    parts = []
    for kind, value, *rest in spans:
        if kind == "link":
            parts.append(f'<a href="{_e(rest[0])}">{_e(value)}</a>')
        elif kind == "code":
            parts.append(f"<code>{_e(value)}</code>")
        elif kind == "strong":
            parts.append(f"<strong>{_e(value)}</strong>")
        else:
            parts.append(_e(value))
    return "".join(parts)


def _caption_html(b: dict) -> str:
    bits = []
    if b.get("command"):
        bits.append(f'<code class="cmd">$ {_e(b["command"])}</code>')
    if b.get("file"):
        where = b["file"] + (f":{b['line']}" if b.get("line") else "")
        bits.append(f'<span class="src">{_e(where)}</span>')
    if b.get("time"):
        bits.append(f'<span class="time">{_e(b["time"])}</span>')
    if b.get("note"):
        bits.append(f'<span class="note">{_e(b["note"])}</span>')
    return " · ".join(bits)


def block_html(b: dict) -> str:
    kind = b["type"]
    if kind == "h":
        lvl = int(b.get("level", 2))
        return f'<h{lvl} id="{_e(b.get("id") or slug(plain(b["spans"])))}">{spans_html(b["spans"])}</h{lvl}>'
    if kind == "p":
        return f"<p>{spans_html(b['spans'])}</p>"
    if kind == "quote":
        return f'<blockquote class="tldr"><p>{spans_html(b["spans"])}</p></blockquote>'
    if kind == "list":
        tag = "ol" if b.get("ordered") else "ul"
        items = "".join(f"<li>{spans_html(i)}</li>" for i in b["items"])
        return f"<{tag}>{items}</{tag}>"
    if kind == "table":
        head = "".join(f"<th>{spans_html(h)}</th>" for h in b["header"])
        body = "".join("<tr>" + "".join(f"<td>{spans_html(c)}</td>" for c in row) + "</tr>"
                       for row in b["rows"])
        return (f'<div class="table"><table><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")
    if kind == "evidence":
        cap = _caption_html(b)
        cls = "evidence wrap" if b.get("wrap") else "evidence"
        return (f'<figure class="{cls}"><figcaption>{cap}</figcaption>'
                f"<pre><code>{_e(b['text'])}</code></pre></figure>")
    if kind == "code":
        cap = f"<figcaption>{spans_html(b['caption'])}</figcaption>" if b.get("caption") else ""
        cls = " changes" if b.get("changes_system") else ""
        return f'<figure class="code{cls}">{cap}<pre><code>{_e(b["text"])}</code></pre></figure>'
    if kind == "figure":
        return (f'<figure class="chart"><div class="img"><img src="data:image/png;base64,{b["png"]}" '
                f'alt="{_e(b.get("alt", ""))}"></div><figcaption>{spans_html(b.get("caption", []))}'
                f"</figcaption></figure>")
    if kind == "meta":
        return ""
    raise ValueError(f"unknown block type {kind!r}")


def to_html(blocks: Iterable[dict]) -> str:
    return "\n".join(h for h in (block_html(b) for b in blocks) if h)


# ---------------------------------------------------------------------------- Markdown

def spans_md(spans: Iterable[Span], in_table: bool = False) -> str:
    parts = []
    for kind, value, *_ in spans:
        if kind == "code":
            parts.append(md_code(value, in_table) if str(value) != "" else "")
        elif kind == "strong":
            parts.append(f"**{md_escape(value)}**" if str(value).strip() else "")
        else:
            parts.append(md_escape(value))
    return "".join(parts)


def _fence(body: str, lang: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    f = "`" * max(3, longest + 1)
    return f"{f}{lang}\n{body.rstrip(chr(10))}\n{f}"


def block_md(b: dict, figure_path=None) -> str:
    kind = b["type"]
    if kind == "h":
        return "#" * int(b.get("level", 2)) + " " + spans_md(b["spans"])
    if kind == "p":
        return spans_md(b["spans"])
    if kind == "quote":
        return "> " + spans_md(b["spans"])
    if kind == "list":
        return "\n".join((f"{n}. " if b.get("ordered") else "- ") + spans_md(i)
                         for n, i in enumerate(b["items"], 1))
    if kind == "table":
        head = "| " + " | ".join(spans_md(h, True) for h in b["header"]) + " |"
        sep = "|" + "|".join("---" for _ in b["header"]) + "|"
        rows = ["| " + " | ".join(spans_md(c, True) for c in row) + " |" for row in b["rows"]]
        return "\n".join([head, sep, *rows])
    if kind == "evidence":
        cap = []
        if b.get("command"):
            cap.append(md_code("$ " + b["command"]))
        if b.get("file"):
            cap.append(md_code(b["file"] + (f":{b['line']}" if b.get("line") else "")))
        if b.get("time"):
            cap.append(md_escape(b["time"]))
        if b.get("note"):
            cap.append(md_escape(b["note"]))
        return (" · ".join(cap) + "\n\n" if cap else "") + _fence(b["text"], "shell")
    if kind == "code":
        cap = spans_md(b["caption"]) + "\n\n" if b.get("caption") else ""
        return cap + _fence(b["text"], "shell")
    if kind == "figure":
        target = figure_path(b) if figure_path else f"{b['name']}.png"
        alt = md_escape(b.get("alt", "")).replace("]", "\\]")
        cap = spans_md(b.get("caption", []))
        return f"![{alt}]({target})" + (f"\n\n*{cap}*" if cap else "")
    if kind == "meta":
        return ""
    raise ValueError(f"unknown block type {kind!r}")


def to_markdown(blocks: Iterable[dict], figure_path=None) -> str:
    return "\n\n".join(m for m in (block_md(b, figure_path) for b in blocks) if m)
