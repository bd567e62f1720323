"""Which resident messages count as a pick from a clarify reply's choices."""

from bot.service.learning import _same_pick


def test_a_pick_is_the_label_or_its_clipped_form():
    label = "粗大ごみはどうやって出せばよいですか（ごみの出し方ガイド）"
    assert _same_pick(label, label)
    assert _same_pick(label, " " + label + "\n")
    assert _same_pick(label, label[:15] + "…")
    assert not _same_pick(label, "粗大ごみ…")  # too short to tell
    assert not _same_pick(label, "粗大ごみはどうやって出せばよいですか")
    assert not _same_pick("", "")
