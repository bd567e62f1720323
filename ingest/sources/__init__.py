"""One loader per source format, chosen by file suffix; `discover` walks the given paths."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.schema import LoadResult
from ingest.sources import faq_csv, html_page, markdown, ordinance, pdf, sidecar_variants
from ingest.sources.common import SourceError, decode

Loader = Callable[[Path], LoadResult]
IGNORE_FILE = ".madoguchiignore"
LOADER_VERSION = "2"  # bump when a loader's output changes, so unchanged files are re-read


def _text(path: Path) -> LoadResult:
    text = decode(path.read_bytes())
    lines = [line for line in text.splitlines() if line.strip()]
    if ordinance.looks_like_ordinance(lines, lines[0] if lines else ""):
        return ordinance.load(path)
    raise SourceError("テキストファイルは例規（第1条 … の形）だけ読み込めます")


LOADERS: dict[str, Loader] = {
    ".csv": faq_csv.load,
    ".tsv": faq_csv.load,
    ".html": html_page.load,
    ".htm": html_page.load,
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".pdf": pdf.load,
    ".txt": _text,
}


def loader_for(path: Path) -> Loader | None:
    return LOADERS.get(path.suffix.lower())


def load(path: Path) -> LoadResult:
    loader = loader_for(path)
    if loader is None:
        raise SourceError(f"この形式（{path.suffix or '拡張子なし'}）は読み込めません")
    return sidecar_variants.attach(path, loader(path))


def _ignored(path: Path, patterns: list[tuple[Path, str]]) -> bool:
    for base, pattern in patterns:
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*"):
            return True
    return False


def _ignore_patterns(directory: Path) -> list[tuple[Path, str]]:
    file = directory / IGNORE_FILE
    if not file.exists():
        return []
    lines = file.read_text(encoding="utf-8").splitlines()
    return [(directory, ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#")]


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Source files under the given paths, and the files skipped as not a source.

    Hidden files, `<file>.meta.yaml` sidecars and patterns in `.madoguchiignore` are skipped
    silently; other unknown suffixes are returned as skipped so the summary can name them.
    """
    sources: list[Path] = []
    skipped: list[Path] = []
    for root in paths:
        root = root.resolve()
        if root.is_file():
            sources.append(root)
            continue
        patterns: list[tuple[Path, str]] = []
        for directory in sorted([root, *[d for d in root.rglob("*") if d.is_dir()]]):
            patterns.extend(_ignore_patterns(directory))
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            rel_parts = file.relative_to(root).parts
            if any(part.startswith(".") for part in rel_parts) or file.name.endswith(".meta.yaml"):
                continue
            if _ignored(file, patterns):
                continue
            (sources if loader_for(file) else skipped).append(file)
    return sources, skipped
