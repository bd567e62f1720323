"""The check every masking-shape test shares."""

from bot.safety import pii


def assert_masked_or_kept(text: str, value: str | None) -> None:
    """`value` is replaced by a placeholder; with `value` None the text stays as it is."""
    masked = pii.mask(text).text
    if value is None:
        assert masked == text
    else:
        assert value not in masked and "［" in masked, masked
