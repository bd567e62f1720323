"""The source registry: every source the index is built from, known by identity.

A source is known by its path *and* by the documents it defines (a document is a doc_id
without its `#section`: `gomi-sodai#intro` belongs to `gomi-sodai`). That lets an ingest tell a
moved folder from a second copy, and lets confidentiality win across copies:

- a registered source whose file is gone, and whose documents (or exact bytes) a named
  source now defines, has moved: the named source replaces it (no duplicate passages);
- a registered source whose file is gone and that nobody replaced stays until
  `madoguchi ingest --prune` (or until its old path is named), and is listed as missing;
- a source whose file still exists and defines a doc_id a named source defines too is a
  duplicate: an error naming both files (the named one keeps the passage);
- a document marked 機密性2/3 in *any* registered copy leaves the resident index entirely, in
  the same generation.

The registry is stored in each generation's manifest (`sources`), so it moves with the index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.schema import Passage
from ingest.store import IndexPaths


def document_of(doc_id: str) -> str:
    """The document a passage belongs to: its doc_id before the section mark."""
    return doc_id.split("#", 1)[0]


@dataclass
class SourceRecord:
    """One registered source: where it is, its content hash, and what it defines."""

    path: str
    hash: str
    defines: list[str] = field(default_factory=list)  # every public doc_id the file yields
    indexed: list[str] = field(default_factory=list)  # those that made it into the index
    refused_docs: list[str] = field(default_factory=list)  # documents marked 機密性2/3 here
    refused: int = 0  # passages refused for confidentiality

    @property
    def documents(self) -> set[str]:
        return {document_of(d) for d in self.defines} | set(self.refused_docs)

    @property
    def exists(self) -> bool:
        return Path(self.path).is_file()

    def to_manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {"hash": self.hash, "doc_ids": self.indexed,
                               "defines": self.defines, "refused": self.refused,
                               "refused_docs": self.refused_docs}
        if self.refused:
            out["refused_reason"] = (f"機密性2/3 の文書のため住民向け索引には入れません"
                                     f"（{self.refused} パッセージ）")
        return out

    @classmethod
    def from_manifest(cls, path: str, info: dict[str, Any]) -> SourceRecord:
        indexed = list(info.get("doc_ids", []))
        return cls(path, str(info.get("hash", "")), list(info.get("defines", indexed)), indexed,
                   list(info.get("refused_docs", [])), int(info.get("refused", 0)))

    @property
    def complete(self) -> bool:
        """False for records written before the registry knew refused documents: re-read."""
        return not self.refused or bool(self.refused_docs)


def read(manifest_sources: dict[str, dict[str, Any]]) -> dict[str, SourceRecord]:
    return {path: SourceRecord.from_manifest(path, info)
            for path, info in manifest_sources.items()}


def under(path: str, roots: Iterable[Path]) -> bool:
    p = Path(path)
    return any(p == r or p.is_relative_to(r) for r in roots)


@dataclass
class Settlement:
    """What became of the registered sources that were not among the files found now."""

    kept: list[SourceRecord] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # deleted under a named path, or pruned
    moved: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    missing: list[str] = field(default_factory=list)  # gone, kept until --prune


def settle(previous: dict[str, SourceRecord], found: dict[str, SourceRecord],
           roots: list[Path], prune: bool) -> Settlement:
    """Decide the fate of every registered source that is not among the files `found` now.

    `roots` are the paths named on the command line (a named path that no longer exists
    removes what was registered under it).
    """
    owner_of: dict[str, str] = {}
    same_content: dict[str, str] = {}
    for path in sorted(found):
        same_content.setdefault(found[path].hash, path)
        for doc in found[path].documents:
            owner_of.setdefault(doc, path)
    out = Settlement()
    for path in sorted(previous):
        if path in found:
            continue
        record = previous[path]
        if record.exists and not under(path, roots):
            out.kept.append(record)
            continue
        heirs = sorted({owner_of[d] for d in record.documents if d in owner_of})
        if not heirs and record.hash in same_content:
            heirs = [same_content[record.hash]]  # renamed: same bytes under another name
        if heirs:
            out.moved.append((path, heirs[0]))
        elif under(path, roots) or prune:
            out.removed.append(path)
        else:
            out.missing.append(path)
            out.kept.append(record)
    return out


@dataclass
class Resolution:
    """The passages of the new generation, and every conflict found on the way."""

    passages: list[Passage]
    duplicates: list[tuple[str, str, str]]  # (doc_id, kept in path, dropped from path)
    withheld: list[tuple[str, str, str]]  # (document, dropped from path, refused in path)
    owner: dict[str, str]  # doc_id -> the source path whose passage is indexed


def resolve(ordered: list[tuple[str, list[Passage]]],
            refused_in: dict[str, str]) -> Resolution:
    """Passages in source priority order, each doc_id once, no document refused anywhere.

    `ordered` lists (source path, public passages), most authoritative first; `refused_in` maps
    each document marked 機密性2/3 in any registered source to one such source.
    """
    result = Resolution([], [], [], {})
    owner = result.owner
    withheld: set[tuple[str, str]] = set()
    for path, passages in ordered:
        for p in passages:
            doc = document_of(p.doc_id)
            if doc in refused_in:
                if (doc, path) not in withheld:
                    withheld.add((doc, path))
                    result.withheld.append((doc, path, refused_in[doc]))
                continue
            if p.doc_id in owner:
                result.duplicates.append((p.doc_id, owner[p.doc_id], path))
                continue
            owner[p.doc_id] = path
            result.passages.append(p)
    return result


def registered(index_dir: Path) -> dict[str, SourceRecord]:
    """The registry of the generation that is serving (empty when there is none)."""
    paths = IndexPaths(index_dir)
    generation = paths.current_generation()
    if generation is None:
        return {}
    manifest = json.loads((paths.generation_dir(generation) / "manifest.json")
                          .read_text(encoding="utf-8"))
    return read(manifest.get("sources", {}))
