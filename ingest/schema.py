"""The passage and its metadata: the one index schema that ingest writes and the bot reads."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# 2: vectors and keyword arrays as .npy files (memory-mapped by readers), doc_ids.json.
# 3: readings.json (the corpus's words by reading, ingest/readings.py): an older generation is
#    rebuilt by the next ingest even when no source changed.
# 4: dense/ (the partitioned vector index every worker memory-maps, ingest/partitions.py); an
#    older generation is searched exactly until the next ingest rewrites it.
SCHEMA_VERSION = 4


class SourceType(StrEnum):
    FAQ = "faq"
    ORDINANCE = "ordinance"
    PAGE = "page"
    MARKDOWN = "markdown"
    PDF = "pdf"


class Confidentiality(StrEnum):
    """機密性 levels used by Japanese local governments; only PUBLIC reaches residents."""

    PUBLIC = "公開"
    LEVEL2 = "機密性2"
    LEVEL3 = "機密性3"

    @classmethod
    def parse(cls, raw: str | None) -> Confidentiality:
        """Read a confidentiality label; a missing label means public, an unknown one is refused."""
        if raw is None or not str(raw).strip():
            return cls.PUBLIC
        value = str(raw).strip().lower().replace(" ", "")
        for level, spellings in _SPELLINGS.items():
            if value in spellings:
                return level
        raise ValueError(f"機密性の値が読めません: {raw!r}（公開 / 機密性2 / 機密性3 のいずれか）")


_SPELLINGS: dict[Confidentiality, set[str]] = {
    Confidentiality.PUBLIC: {"公開", "機密性1", "1", "public", "open", "level1"},
    Confidentiality.LEVEL2: {"機密性2", "2", "internal", "level2", "非公開"},
    Confidentiality.LEVEL3: {"機密性3", "3", "secret", "confidential", "level3", "秘"},
}


@dataclass(frozen=True)
class Passage:
    """One retrievable unit: a FAQ entry, an ordinance article, a page section or a PDF page."""

    doc_id: str
    source_type: SourceType
    title: str
    text: str
    locator: str = ""
    question: str = ""
    url: str = ""
    department: str = ""
    contact: str = ""
    category: str = ""
    updated: str = ""
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    source_path: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # Other ways residents ask the same question (言い換え), from the source itself; variants
    # approved by staff live in the database and reach the index as the generation's variant
    # layer (ingest/variants.py).
    variants: tuple[str, ...] = ()

    @property
    def is_public(self) -> bool:
        return self.confidentiality is Confidentiality.PUBLIC

    @property
    def label(self) -> str:
        """What a resident sees as the name of the source: the locator, else the title."""
        return self.locator or self.title

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["source_type"] = self.source_type.value
        data["confidentiality"] = self.confidentiality.value
        data["variants"] = list(self.variants)
        if not self.variants:
            del data["variants"]  # keeps passages.jsonl of variant-free corpora unchanged
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        """A passage from its stored form (unknown keys ignored). Called for every stored row
        when an index is read, so the field names and enum values are looked up, not
        reflected on (100,000 rows: 2.5 s → under 1 s)."""
        values = {k: v for k, v in data.items() if k in _FIELDS}
        values["source_type"] = _SOURCE_TYPES.get(values["source_type"]) or SourceType(
            values["source_type"])
        values["confidentiality"] = _LEVELS.get(values["confidentiality"]) or Confidentiality(
            values["confidentiality"])
        values["extra"] = dict(values.get("extra") or {})
        values["variants"] = tuple(values.get("variants") or ())
        return cls(**values)

    def chroma_metadata(self) -> dict[str, str]:
        """Flat metadata for the vector store (Chroma accepts scalars only)."""
        return {
            "doc_id": self.doc_id,
            "source_type": self.source_type.value,
            "title": self.title,
            "locator": self.locator,
            "url": self.url,
            "department": self.department,
            "contact": self.contact,
            "category": self.category,
            "updated": self.updated,
            "confidentiality": self.confidentiality.value,
        }


_FIELDS = frozenset(f.name for f in dataclasses.fields(Passage))
_SOURCE_TYPES = {t.value: t for t in SourceType}
_LEVELS = {c.value: c for c in Confidentiality}


@dataclass(frozen=True)
class Problem:
    """A piece of input that could not be used, with where it is and why (shown to the user)."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass
class LoadResult:
    """What one loader made of one file: passages, plus the problems it skipped over."""

    passages: list[Passage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
