"""The channel boundary: a resident's words become `Incoming` — personal data masked — before
anything else sees them. Web and LINE call `receive` first; the chat service only accepts
`Incoming`, so the raw text cannot reach the database, a log line, a trace, an escalation, a
LINE push or the staff console by another path. The pipeline masks again (masking is
idempotent), which changes nothing for text that came through here; for a text in which the
masker found nothing at all (`Incoming.clean`) the pipeline skips that second pass.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from bot.safety.pii import Masker


@dataclass(frozen=True)
class Incoming:
    """A resident message as it may be kept: masked, with what was masked (kinds only)."""

    text: str
    kinds: tuple[str, ...] = ()
    warning: str = ""
    # The masker read this very text and found nothing in it: masking it again would return
    # it unchanged with nothing found, so the pipeline's safety step need not (`Safety.check`).
    clean: bool = False

    @classmethod
    def fixed(cls, text: str) -> Incoming:
        """Words the service sends on the resident's behalf (the 「職員に相談する」 button)."""
        return cls(text)


def receive(raw: str, masker: Masker) -> Incoming:
    """Mask `raw` (hidden characters, full-width and kanji digits seen through) and say which
    kinds of personal data it held; the raw text is not kept anywhere."""
    result = masker.mask(raw)
    kinds = result.kinds
    return Incoming(result.text, kinds, masker.warning(kinds) if kinds else "",
                    clean=not result.spans)


class CleanTexts:
    """Messages the masker recently found nothing in, so that the same message again is not
    masked again: on a surge day many residents send the very same question, and masking one
    costs ~2 ms (a cached answer's largest share after the database write).

    Only a text the masker returned unchanged and with no kind found is kept: that text is the
    masked text itself (the answer cache keys on it already), so nothing is held that masking
    would have hidden. A text with anything masked is masked every time. The masker's rules do
    not change during a process's life. Bounded (least recently used out), thread-safe;
    size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._texts: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def receive(self, raw: str, masker: Masker) -> Incoming:
        """`receive(raw, masker)`, answered from memory when `raw` is a known clean text."""
        if self.size:
            with self._lock:
                if raw in self._texts:
                    self._texts.move_to_end(raw)
                    return Incoming(raw, clean=True)
        incoming = receive(raw, masker)
        if self.size and not incoming.kinds and incoming.text == raw:
            with self._lock:
                self._texts[raw] = None
                while len(self._texts) > self.size:
                    self._texts.popitem(last=False)
        return incoming

    def __len__(self) -> int:
        return len(self._texts)
