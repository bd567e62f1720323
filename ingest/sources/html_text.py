"""HTML to text lines, shared by the ordinance and page loaders."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

BLOCK_TAGS = [
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "table",
    "section", "article", "blockquote", "pre", "ul", "ol", "dl", "caption", "main",
]
NOISE_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "form", "button"]


def parse(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "lxml")


def meta(soup: BeautifulSoup, *names: str) -> str:
    """First non-empty <meta name=...> among names (case-insensitive)."""
    wanted = {n.lower(): i for i, n in enumerate(names)}
    found: dict[int, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or "").lower()
        content = str(tag.get("content") or "").strip()
        if key in wanted and content:
            found.setdefault(wanted[key], content)
    return found[min(found)] if found else ""


def canonical_url(soup: BeautifulSoup) -> str:
    link = soup.find("link", rel="canonical")
    if isinstance(link, Tag) and link.get("href"):
        return str(link["href"]).strip()
    return meta(soup, "url", "og:url")


def page_title(soup: BeautifulSoup) -> str:
    h1 = soup.find("h1")
    if isinstance(h1, Tag) and h1.get_text(strip=True):
        return " ".join(h1.get_text(" ", strip=True).split())
    if soup.title and soup.title.string:
        return soup.title.string.split("|")[0].split("｜")[0].strip()
    return ""


def drop(root: Tag, names: list[str]) -> None:
    for tag in root.find_all(names):
        tag.decompose()


def to_lines(root: Tag) -> list[str]:
    """Text of root with one line per block element; inline markup stays on its line."""
    for br in root.find_all("br"):
        br.replace_with("\n")
    for cell in root.find_all(["td", "th"]):
        cell.insert_after(" ")
    for tag in root.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = root.get_text("")
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]
