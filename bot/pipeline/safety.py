"""The first step of every turn: strip hidden characters, mask personal data, and flag prompt
injection. Everything after this step (guard, retrieval, trace, store, staff view, eval rows)
sees only the masked text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.safety import injection, pii


@dataclass(frozen=True)
class SafetyCheck:
    masked: str
    kinds: tuple[str, ...]
    warning: str
    hidden_removed: int
    injection: tuple[str, ...]
    # Rules that only flag (block: false, e.g. suspected_probe): not refused, but a message
    # the documents cannot answer is handed to staff as suspected abuse.
    suspected: tuple[str, ...] = ()

    def trace(self) -> dict[str, Any]:
        """What staff may see: kinds and counts, never the original values."""
        return {"personal_data": list(self.kinds), "hidden_characters": self.hidden_removed,
                "injection": list(self.injection), "suspected": list(self.suspected)}


@dataclass(frozen=True)
class Safety:
    masker: pii.Masker
    rules: injection.InjectionRules

    @classmethod
    def load(cls) -> Safety:
        return cls(pii.Masker.load(), injection.default_rules())

    def check(self, raw: str, clean: bool = False) -> SafetyCheck:
        """`clean`: the masker already read `raw` and found nothing (`Incoming.clean`); when
        no hidden character is stripped either, masking it again would return it unchanged
        with nothing found, so that pass is skipped (~1.5–3 ms of a message)."""
        sanitized = injection.sanitize(raw)
        masked = (pii.MaskResult(raw, (), ()) if clean and sanitized.text == raw
                  else self.masker.mask(sanitized.text))
        verdict = injection.detect(raw, self.rules)
        kinds = tuple(sorted(masked.kinds))
        return SafetyCheck(masked.text, kinds,
                           self.masker.warning(kinds) if kinds else "",
                           sanitized.hidden_count,
                           tuple(verdict.reasons) if verdict.blocked else (),
                           () if verdict.blocked else tuple(
                               r for r in verdict.reasons if r != injection.HIDDEN_CHARACTERS))

    def searchable(self, masked: str) -> str:
        """The masked text without placeholders, so ［氏名］ does not steer the search."""
        return pii.without_placeholders(masked, self.masker.config)
