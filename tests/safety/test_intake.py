"""The channel boundary's memory of clean messages: the same clean text is not masked again,
and a text with personal data is never kept and is masked every time."""

from __future__ import annotations

from bot.safety import pii
from bot.safety.intake import CleanTexts, receive


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
