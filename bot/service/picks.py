"""A resident's message that is a pick from the previous clarify reply's choices.

A choice button (web) or quick reply (LINE) sends the choice's label as the resident's next
message. That message names one passage exactly, so it is answered with that passage rather
than searched again: searched, a page section's or an ordinance article's label often came back
as another clarify (「風見野市印鑑条例 第14条（…）」 → 第14条, 第18条, 第17条).
"""

from __future__ import annotations

from typing import Any, Protocol


class Offer(Protocol):
    """The bot message a pick answers (a stored message, or a row of its columns)."""

    @property
    def id(self) -> int: ...
    @property
    def decision(self) -> str | None: ...
    @property
    def choices(self) -> list[Any]: ...


def chosen(offer: Offer | None, sent: str) -> dict[str, Any] | None:
    """The one choice of `offer` (a clarify reply) whose label `sent` is, else None."""
    if offer is None or offer.decision != "clarify" or not offer.choices:
        return None
    matches = [c for c in offer.choices if same_pick(str(c.get("label", "")), sent)]
    return matches[0] if len(matches) == 1 and matches[0].get("doc_id") else None


def same_pick(label: str, sent: str) -> bool:
    """The message a choice sends: its label, or (on LINE) the label clipped with 「…」."""
    label, sent = label.strip(), sent.strip()
    return bool(label) and (sent == label or (
        sent.endswith("…") and len(sent) > 10 and label.startswith(sent[:-1])))
