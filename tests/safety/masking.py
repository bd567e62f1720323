"""The check every masking-shape test shares."""

from bot.safety import pii


def assert_masked_or_kept(text: str, value: str | None) -> None:
    """`value` is replaced by a placeholder; with `value` None the text stays as it is."""
    masked = pii.mask(text).text
    if value is None:
        assert masked == text
    else:
        assert value not in masked and "［" in masked, masked


def masked_whole(text: str, value: str) -> bool:
    """Every letter and digit of `value` (its first occurrence in `text`) is inside a span."""
    start = text.index(value)
    spans = [(s.start, s.end) for s in pii.find(text)]
    return all(any(s <= i < e for s, e in spans)
               for i in range(start, start + len(value)) if text[i].isalnum())
