"""The Markdown post, plain (beside the HTML page) or as a Jekyll/Chirpy site fragment.

``nettrace report BUNDLE --post -o DIR`` lays DIR out so that copying it over a blog's root
publishes the post::

    DIR/_posts/2025-12-28-zerotier-default-route-black-hole.md
    DIR/assets/img/nettrace/zerotier-default-route-black-hole/{connectivity,routes,culprit-chain}.png

Jekyll publishes a post at ``/<categories>/YYYY/MM/DD/<slug>.html``, where a bare relative image
name resolves to nothing, so the post references its figures absolutely
(``/assets/img/nettrace/<slug>/routes.png``; another prefix with ``--asset-url``). The front
matter also carries Chirpy's convention — ``media_subpath`` (the folder) and ``image.path``
relative to it — so the Chirpy theme shows the culprit chain as the post's preview image.
"""
from __future__ import annotations

import json
import re
import unicodedata

from nettrace.report import doc

__all__ = ["slug", "post_slug", "post_name", "asset_base", "markdown_post", "DEFAULT_ASSET_URL"]

DEFAULT_ASSET_URL = "/assets/img/nettrace"


def slug(text: str) -> str:
    """ASCII words joined by ``-`` (Jekyll's file-name slug).

    >>> slug("ZeroTier: default-route black hole!")
    'zerotier-default-route-black-hole'
    """
    ascii_ = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def post_slug(findings: list, host: str, lang: str = "en") -> str:
    """The post's slug, the same in every language but for a ``-zh`` suffix: the main finding's
    product and id, or ``healthy-capture-<host>`` when nothing is wrong."""
    from nettrace.report.context import main_finding

    main = main_finding(findings)
    if main is None:
        words = f"healthy-capture-{slug(host) or 'mac'}"
    else:
        c = main.culprit
        product = (c.product or c.name or "") if c is not None else ""
        words = slug(f"{product} {main.id}") or slug(main.id)
    return words + ("" if lang == "en" else f"-{lang}")


def post_name(date: str, slug_: str) -> str:
    """``_posts/YYYY-MM-DD-<slug>.md`` from the post's local date (``2025-12-28 10:16:05 +0800``)."""
    return f"_posts/{date[:10]}-{slug_}.md"


def asset_base(asset_url: str | None, slug_: str) -> tuple[str, str | None]:
    """``(url of the figures' folder, its path inside DIR)``.

    A site path (``/img/posts``) is also where the files go in DIR; a full URL
    (``https://cdn.example/img``) is only referenced: the files go to the default folder, to be
    uploaded there.

    >>> asset_base(None, "s")
    ('/assets/img/nettrace/s/', 'assets/img/nettrace/s/')
    >>> asset_base("https://cdn.example/img/", "s")
    ('https://cdn.example/img/s/', 'assets/img/nettrace/s/')
    """
    base = (asset_url or DEFAULT_ASSET_URL).rstrip("/")
    url = f"{base}/{slug_}/"
    if base.startswith("/"):
        return url, url.lstrip("/")
    return url, f"{DEFAULT_ASSET_URL.lstrip('/')}/{slug_}/"


def _yaml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def markdown_post(blocks: list[dict], figure_url, media_subpath: str | None = None) -> tuple[str, dict]:
    """``(markdown, {figure name: png bytes})``: the post with Jekyll front matter, each figure
    linked as ``figure_url(name)``. With *media_subpath* (a Jekyll post), the front matter has
    Chirpy's ``media_subpath`` and ``image.path`` relative to it."""
    import base64

    meta = next((b["front_matter"] for b in blocks if b["type"] == "meta"), {})
    figures: dict[str, bytes] = {}

    def link(b: dict) -> str:
        figures[b["name"]] = base64.b64decode(b["png"])
        return figure_url(b["name"])

    body = doc.to_markdown([b for b in blocks if not (b["type"] == "h" and b.get("level") == 1)], link)
    chain = next((b for b in blocks if b["type"] == "figure" and b["name"] == "culprit-chain"), None)
    lines = ["---"]
    for key in ("title", "description", "author", "date", "categories", "tags"):
        if meta.get(key) not in (None, "", []):
            lines.append(f"{key}: {_yaml(meta[key])}")
    if media_subpath:
        lines.append(f"media_subpath: {_yaml(media_subpath)}")
    if chain is not None:
        path = "culprit-chain.png" if media_subpath else figure_url("culprit-chain")
        lines += ["image:", f"  path: {_yaml(path)}", f"  alt: {_yaml(chain.get('alt', ''))}"]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body + "\n", figures
