"""A tiny document model rendered both as Markdown and as one self-contained HTML page, so the
two reports always say the same thing."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True)
class Image:
    """A chart: embedded in HTML, named in Markdown (Markdown stays a single text file)."""

    alt: str
    png: bytes


@dataclass(frozen=True)
class Details:
    """A collapsible block of preformatted text (a trace)."""

    summary: str
    text: str


Block = Heading | Para | Table | Image | Details

CSS = """body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",Meiryo,sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f0f3f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.8em}
img{max-width:100%;border:1px solid #eee;margin:.4em 0}
details{margin:.2em 0 1em}summary{cursor:pointer;color:#336}"""


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Table):
            out.append("\n".join(
                ["| " + " | ".join(_md_cell(h) for h in b.headers) + " |",
                 "|" + "---|" * len(b.headers)]
                + ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]))
        elif isinstance(b, Image):
            out.append(f"*Chart: {b.alt} (see report.html)*")
        else:
            out.append(f"<details><summary>{html.escape(b.summary)}</summary>\n\n```text\n"
                       f"{b.text}\n```\n\n</details>")
    return "\n\n".join(out) + "\n"


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).replace("+", "", 1).isdigit()


def _html_block(b: Block) -> str:
    e = html.escape
    if isinstance(b, Heading):
        return f"<h{b.level}>{e(b.text)}</h{b.level}>"
    if isinstance(b, Para):
        return f"<p>{e(b.text)}</p>"
    if isinstance(b, Table):
        head = "".join(f"<th>{e(h)}</th>" for h in b.headers)
        body = "".join("<tr>" + "".join(
            f'<td class="num">{e(c)}</td>' if _is_number(c) else f"<td>{e(c)}</td>"
            for c in row) + "</tr>" for row in b.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(b, Image):
        data = base64.b64encode(b.png).decode("ascii")
        return f'<img alt="{e(b.alt)}" src="data:image/png;base64,{data}">'
    return f"<details><summary>{e(b.summary)}</summary><pre>{e(b.text)}</pre></details>"


def to_html(title: str, blocks: Sequence[Block]) -> str:
    """One HTML page with inline CSS and embedded images: no external files or scripts."""
    body = "\n".join(_html_block(b) for b in blocks)
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")
