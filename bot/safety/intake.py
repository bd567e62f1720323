"""The channel boundary: a resident's words become `Incoming` — personal data masked — before
anything else sees them. Web and LINE call `receive` first; the chat service only accepts
`Incoming`, so the raw text cannot reach the database, a log line, a trace, an escalation, a
LINE push or the staff console by another path. The pipeline masks again (masking is
idempotent), which changes nothing for text that came through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.pii import Masker


@dataclass(frozen=True)
class Incoming:
    """A resident message as it may be kept: masked, with what was masked (kinds only)."""

    text: str
    kinds: tuple[str, ...] = ()
    warning: str = ""

    @classmethod
    def fixed(cls, text: str) -> Incoming:
        """Words the service sends on the resident's behalf (the 「職員に相談する」 button)."""
        return cls(text)


def receive(raw: str, masker: Masker) -> Incoming:
    """Mask `raw` (hidden characters, full-width and kanji digits seen through) and say which
    kinds of personal data it held; the raw text is not kept anywhere."""
    result = masker.mask(raw)
    kinds = result.kinds
    return Incoming(result.text, kinds, masker.warning(kinds) if kinds else "")
