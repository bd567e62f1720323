"""The channel boundary's memory of clean messages: the same clean text is not masked again,
and a text with personal data is never kept and is masked every time."""

from __future__ import annotations

import json
from pathlib import Path

from bot.pipeline.safety import Safety
from bot.safety import injection, pii
from bot.safety.intake import CleanTexts, Incoming, receive


class Counting:
    """The real masker, counting its calls."""

    def __init__(self) -> None:
        self.inner, self.calls = pii.Masker.load(), 0

    def mask(self, text: str):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.mask(text)

    def warning(self, kinds):  # type: ignore[no-untyped-def]
        return self.inner.warning(kinds)


def test_a_clean_message_is_masked_once_and_answered_alike():
    masker, clean = Counting(), CleanTexts(8)
    text = "粗大ごみの出し方を教えてください"
    first, again = clean.receive(text, masker), clean.receive(text, masker)  # type: ignore[arg-type]
    assert first == again == receive(text, masker.inner)
    assert masker.calls == 1 and len(clean) == 1


def test_personal_data_is_masked_every_time_and_never_kept():
    masker, clean = Counting(), CleanTexts(8)
    text = "山田太郎です。電話は090-1234-5678です。住民票を取りたい"
    for _ in range(3):
        got = clean.receive(text, masker)  # type: ignore[arg-type]
        assert got == receive(text, masker.inner) and got.kinds and "090-1234-5678" not in got.text
    assert masker.calls == 3 and len(clean) == 0


def test_bounded_and_off_at_zero():
    masker, clean = Counting(), CleanTexts(2)
    for text in ("燃やすごみの日", "図書館の時間", "水道の手続き", "燃やすごみの日"):
        clean.receive(text, masker)  # type: ignore[arg-type]
    assert len(clean) == 2 and masker.calls == 4  # the first was pushed out by the third
    off = CleanTexts(0)
    for _ in range(2):
        off.receive("燃やすごみの日", masker)  # type: ignore[arg-type]
    assert len(off) == 0 and masker.calls == 6


def _texts() -> list[str]:
    """Residents' questions and personal-data messages, and a few with hidden characters."""
    root = Path(__file__).resolve().parents[2]
    gold = [json.loads(line)["question"] for line in
            (root / "corpora" / "kazamino" / "gold.jsonl").read_text("utf-8").splitlines()[:120]]
    pii_gold = [json.loads(line)["text"] for line in
                (root / "tests" / "fixtures" / "pii_gold.jsonl").read_text("utf-8")
                .splitlines()[:120]]
    hidden = ["住民票\u200bの写しがほしい", "ごみの日\u202eはいつ", "図書館\ufeffの時間"]
    return gold + pii_gold + hidden


def test_the_pipeline_skips_only_a_second_mask_that_would_change_nothing():
    """A message the channel's masker found nothing in (`Incoming.clean`) is not masked again
    by the pipeline's safety step, and that step's result is the same as with the second
    pass; a message with anything masked, or with hidden characters, is masked again."""
    masker = Counting()
    safety = Safety(masker, injection.default_rules())  # type: ignore[arg-type]
    skipped = hidden = 0
    for text in _texts():
        incoming = receive(text, masker.inner)
        assert incoming.clean == (not incoming.kinds and incoming.text == text
                                  and not masker.inner.mask(text).spans)
        before = masker.calls
        fast = safety.check(incoming.text, incoming.clean)
        masked_again = masker.calls - before
        skipped += masked_again == 0
        assert fast == safety.check(incoming.text)
        unchanged = injection.sanitize(text).text == text
        assert masked_again == (0 if incoming.clean and unchanged else 1)
        hidden += not unchanged
    assert skipped > 100 and hidden >= 3  # most questions hold nothing to mask
    assert CleanTexts(4).receive("燃やすごみの日", masker).clean  # type: ignore[arg-type]
    assert not Incoming.fixed("職員に相談したい").clean
