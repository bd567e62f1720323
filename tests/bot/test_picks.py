"""Which resident messages count as a pick from a clarify reply's choices."""

from dataclasses import dataclass, field
from typing import Any

from bot.service.picks import chosen, same_pick


def test_a_pick_is_the_label_or_its_clipped_form():
    label = "粗大ごみはどうやって出せばよいですか（ごみの出し方ガイド）"
    assert same_pick(label, label)
    assert same_pick(label, " " + label + "\n")
    assert same_pick(label, label[:15] + "…")
    assert not same_pick(label, "粗大ごみ…")  # too short to tell
    assert not same_pick(label, "粗大ごみはどうやって出せばよいですか")
    assert not same_pick("", "")


@dataclass
class Offer:
    decision: str | None
    choices: list[Any] = field(default_factory=list)
    id: int = 1


def test_the_choice_picked_from_a_clarify_reply():
    offer = Offer("clarify", [{"doc_id": "a#1", "label": "開庁時間（市役所の案内）"},
                              {"doc_id": "FAQ-2", "label": "駐車場はありますか。"}])
    assert chosen(offer, "開庁時間（市役所の案内）") == offer.choices[0]
    assert chosen(offer, "駐車場はありますか。") == offer.choices[1]
    assert chosen(offer, "駐車場は？") is None  # a new question, searched as usual
    assert chosen(Offer("answer", offer.choices), "駐車場はありますか。") is None
    assert chosen(None, "駐車場はありますか。") is None
    same = Offer("clarify", [{"doc_id": "x", "label": "同じ"}, {"doc_id": "y", "label": "同じ"}])
    assert chosen(same, "同じ") is None  # ambiguous: searched


def test_every_choice_picked_is_answered_with_its_passage(pipeline):
    """Searched again, 6 of the mini index's 26 labels (page sections, articles, PDF pages)
    came back as another clarify; picked, each is answered with exactly its passage."""
    from bot.pipeline.compose import readable_label
    from bot.pipeline.outcome import Outcome

    gen = pipeline.retriever.index.get()
    passages = [gen.passages[row] for row in sorted(gen.rows.values())]
    assert len(passages) >= 20
    for p in passages:
        reply = pipeline.answer(readable_label(p), picked=p.doc_id)
        assert reply.outcome is Outcome.ANSWERED, (p.doc_id, reply.outcome)
        assert [c.doc_id for c in reply.citations] == [p.doc_id]
        assert p.text.splitlines()[-1][:20] in reply.answer
        steps = [s["step"] for s in reply.trace["steps"]]
        assert steps[:3] == ["safety", "emergency", "guard"] and "pick" in steps
        assert "retrieve" not in steps  # nothing searched: the resident named the passage


def test_a_pick_that_is_gone_or_filtered_out_is_searched(pipeline):
    reply = pipeline.answer("料金（粗大ごみの出し方）", picked="gone#after-a-reindex")
    assert "pick" not in [s["step"] for s in reply.trace["steps"]]
    reply = pipeline.answer("料金（粗大ごみの出し方）", picked="gomi-sodai#ryokin",
                            filters={"source_type": "faq"})
    assert "pick" not in [s["step"] for s in reply.trace["steps"]]


def test_safety_still_comes_first_in_a_pick(pipeline):
    reply = pipeline.answer("家が燃えている、助けて", picked="gomi-sodai#ryokin")
    assert reply.decision == "emergency"
