"""Browsable HTML pages: what a citizen would see on each network.

``/_sandbox/`` lists the networks; ``/_sandbox/x``, ``/facebook``, ``/instagram``
and ``/youtube`` show every account's published posts newest first, with text,
images, video and time (``?account=`` narrows to one account key or owner id),
each with its comments and a form to add a citizen's comment by hand.
The stylesheet is served by the sandbox itself; all user text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from . import inbound
from .store import NETWORKS, VISIBLE_KINDS, Record

if TYPE_CHECKING:
    from .app import SandboxApp

TITLES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "youtube": "YouTube"}
PAGE_LIMIT = 200

STYLESHEET = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --line: #dde2ea;
        --accent: #0b5cad; --paper: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--paper); }
header.site { background: #fff; border-bottom: 1px solid var(--line); padding: .75rem 1.5rem; }
header.site a { color: var(--accent); text-decoration: none; margin-right: 1rem; }
header.site strong { margin-right: 1.5rem; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .75rem; color: var(--muted); }
.post { background: #fff; border: 1px solid var(--line); border-radius: .5rem;
        padding: 1rem 1.25rem; margin-bottom: 1rem; }
.post .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .5rem; }
.post .title { font-weight: 600; margin: 0 0 .25rem; }
.post img, .post video { display: block; max-width: 100%; border-radius: .25rem;
                          margin: .5rem 0; background: #000; }
.post footer { font-size: .85rem; color: var(--muted); }
.badge { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: .25rem;
         border: 1px solid var(--line); margin-left: .5rem; }
.empty { color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: #fff; }
td, th { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); }
"""


def _layout(title: str, body: str) -> Response:
    nav = "".join(
        f'<a href="/_sandbox/{network}">{TITLES[network]}</a>' for network in NETWORKS
    )
    html = (
        "<!doctype html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)} · Newsroom sandbox</title>\n"
        "<link rel=\"stylesheet\" href=\"/_sandbox/static/sandbox.css\">\n</head>\n<body>\n"
        "<header class=\"site\"><strong><a href=\"/_sandbox/\">Newsroom sandbox</a></strong>"
        f"{nav}</header>\n<main>\n<h1>{escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _safe_href(url: str) -> str | None:
    if url.startswith(("http://", "https://")):
        return escape(url, quote=True)
    return None


def _media_html(record: Record) -> str:
    parts = []
    # Alt texts the network received with the media (X: ``POST /2/media/metadata``).
    alt_texts = record.extra.get("alt_texts") or []
    for index, blob in enumerate(record.media):
        src = escape(blob.path, quote=True)
        alt = escape(alt_texts[index] if index < len(alt_texts) else "", quote=True)
        if blob.content_type.startswith("video/"):
            label = f' aria-label="{alt}"' if alt else ""
            parts.append(f'<video src="{src}" controls preload="metadata"{label}></video>')
        elif blob.content_type.startswith("image/"):
            parts.append(f'<img src="{src}" alt="{alt}" loading="lazy">')
        else:
            parts.append(f'<a href="{src}">{escape(blob.content_type)}</a>')
    return "".join(parts)


def _post_html(network: str, record: Record) -> str:
    anchor = escape(record.extra.get("post_id") or record.id, quote=True)
    pieces = [f'<article class="post" id="{anchor}">']
    if network == "youtube":
        pieces.append(f'<p class="title">{escape(record.extra.get("title", ""))}'
                      f'<span class="badge">{escape(record.extra.get("privacy_status", ""))}'
                      "</span></p>")
        media = _media_html(record)
        # The video comes first on YouTube; the thumbnail is shown as its poster.
        thumbnail = record.extra.get("thumbnail")
        if thumbnail is not None:
            poster = escape(thumbnail.path, quote=True)
            media = media.replace("<video ", f'<video poster="{poster}" ', 1)
        pieces.append(media)
        if record.text:
            pieces.append(f'<p class="text">{escape(record.text)}</p>')
    else:
        if record.text:
            pieces.append(f'<p class="text">{escape(record.text)}</p>')
        link = record.extra.get("link")
        if link and _safe_href(link):
            pieces.append(f'<p><a href="{_safe_href(link)}" rel="nofollow noopener">'
                          f"{escape(link)}</a></p>")
        media = _media_html(record)
        cover = record.extra.get("cover")  # an Instagram reel's cover image
        if cover is not None:
            media = media.replace("<video ", f'<video poster="{escape(cover.path, quote=True)}" ',
                                  1)
        pieces.append(media)
    stamp = record.created_at
    pieces.append(
        f'<footer><time datetime="{stamp.isoformat()}">'
        f'{stamp.strftime("%d.%m.%Y %H:%M:%S")} UTC</time> · {escape(record.id)}</footer>'
    )
    pieces.append("</article>")
    return "".join(pieces)


def routes(app: SandboxApp) -> list[tuple[str, str, Callable[..., Response]]]:
    """The pages' URL rules as (path, name, handler)."""
    store = app.store

    def visible(network: str, owner: str) -> list[Record]:
        records = store.timeline(network, owner, kinds=VISIBLE_KINDS[network], limit=PAGE_LIMIT)
        return [r for r in records if r.extra.get("published", True)]

    def index(request: Request) -> Response:
        rows = []
        for network in NETWORKS:
            owners = store.owners(network)
            count = sum(len(visible(network, owner)) for owner in owners)
            rows.append(
                f'<tr><td><a href="/_sandbox/{network}">{TITLES[network]}</a></td>'
                f"<td>{len([o for o in owners if visible(network, o)])}</td><td>{count}</td></tr>"
            )
        body = (
            "<p>Local stand-in for the social networks. Everything published through the "
            "sandbox is shown here as a citizen would see it.</p>"
            "<table><thead><tr><th>Network</th><th>Accounts</th><th>Posts</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            '<p><a href="/_sandbox/api/records">All records (JSON)</a></p>'
        )
        return _layout("Networks", body)

    def network_page(network: str) -> Callable[[Request], Response]:
        def page(request: Request) -> Response:
            wanted = request.args.get("account")
            sections = []
            for owner in reversed(store.owners(network)):
                records = visible(network, owner)
                if not records:
                    continue
                if wanted and wanted != owner and all(r.account != wanted for r in records):
                    continue
                posts = "".join(_post_html(network, record)
                                + inbound.comments_html(app, network, record)
                                for record in records)
                sections.append(f'<section><h2>{escape(owner)}</h2>{posts}</section>')
            body = "".join(sections) or '<p class="empty">Nothing published yet.</p>'
            return _layout(TITLES[network], body)

        page.__name__ = f"{network}_page"
        return page

    def stylesheet(request: Request) -> Response:
        return Response(STYLESHEET + inbound.PAGE_CSS, content_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})

    result: list[tuple[str, str, Any]] = [
        ("/_sandbox/", "index", index),
        ("/_sandbox/static/sandbox.css", "stylesheet", stylesheet),
    ]
    for network in NETWORKS:
        result.append((f"/_sandbox/{network}", network, network_page(network)))
    return result
