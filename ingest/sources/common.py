"""Helpers every loader shares: decoding bytes, sidecar metadata, HTML to lines, chunking."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ingest.schema import Confidentiality


class SourceError(Exception):
    """A whole file cannot be used; the message says why, in the user's language."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


ENCODINGS = ("utf-8-sig", "cp932", "euc_jp")


def decode(data: bytes) -> str:
    """Decode municipal text files: UTF-8 (with or without BOM), Shift_JIS/CP932 or EUC-JP."""
    if not data.strip():
        raise SourceError("空のファイルです")
    if b"\x00" in data[:8192]:
        raise SourceError("バイナリファイルのようです（テキストとして読めません）")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.yaml")


def sidecar_data(path: Path) -> dict[str, Any]:
    """The parsed `<file>.meta.yaml` beside a source ({} when there is none)."""
    meta = sidecar_path(path)
    if not meta.exists():
        return {}
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(f"メタデータファイル {meta.name} が読めません: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(f"メタデータファイル {meta.name} は「キー: 値」の形式で書いてください")
    return data


def read_sidecar(path: Path) -> dict[str, Any]:
    """Metadata from `<file>.meta.yaml` beside a source, if there is one. The 言い換え mapping
    (plain-language lines per passage) is not metadata: `sidecar_variants` reads it."""
    return {str(k): "" if v is None else str(v) for k, v in sidecar_data(path).items()
            if not isinstance(v, dict)}


def confidentiality_of(raw: str | None) -> Confidentiality:
    try:
        return Confidentiality.parse(raw)
    except ValueError as exc:
        raise SourceError(str(exc)) from exc


_CJK = r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) +(?={_CJK})")


def tidy(text: str) -> str:
    """Clean extracted text: NFC, spaces between Japanese characters removed, blank runs folded."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_CJK_GAP.sub("", line.strip()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def chunk(text: str, max_chars: int = 1200) -> list[str]:
    """Split long text at paragraph, then sentence boundaries, into pieces of at most max_chars."""
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    buf = ""
    for para in re.split(r"(?<=\n)|(?<=。)", text):
        if buf and len(buf) + len(para) > max_chars:
            pieces.append(buf.strip())
            buf = ""
        while len(para) > max_chars:
            pieces.append(para[:max_chars].strip())
            para = para[max_chars:]
        buf += para
    if buf.strip():
        pieces.append(buf.strip())
    return [p for p in pieces if p]
