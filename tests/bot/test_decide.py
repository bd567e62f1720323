"""The decision and citation rules as pure functions."""

import pytest

from bot.pipeline.cite import CitationError, verify
from bot.pipeline.compose import choices, citation
from bot.pipeline.decide import Thresholds, decide, supporting
from bot.pipeline.outcome import Outcome
from bot.retrieval.hybrid import Hit
from ingest.schema import Passage, SourceType


def hit(doc_id, fused, title=None, cos=0.5, question=""):
    p = Passage(doc_id=doc_id, source_type=SourceType.FAQ, title=title or doc_id, text="本文",
                question=question or f"{doc_id}の質問")
    return Hit(p, fused, cos_head=cos, cos_body=cos)


T = Thresholds(answer=0.6, handoff=0.3, clarify_margin=0.1)


def test_no_hits_is_no_source():
    assert decide([], 0.9, T)[0] is Outcome.HANDOFF_NO_SOURCE


def test_low_confidence_hands_off():
    assert decide([hit("a", 1.0), hit("b", 0.2)], 0.29, T)[0] is Outcome.HANDOFF_LOW_CONFIDENCE


def test_confident_and_clear_answers():
    assert decide([hit("a", 1.0), hit("b", 0.5)], 0.61, T)[0] is Outcome.ANSWERED


def test_confident_but_tied_clarifies():
    assert decide([hit("a", 1.0), hit("b", 0.95)], 0.9, T)[0] is Outcome.CLARIFY


def test_middle_confidence_clarifies():
    assert decide([hit("a", 1.0), hit("b", 0.5)], 0.45, T)[0] is Outcome.CLARIFY


def test_sections_of_one_page_do_not_count_as_a_tie():
    hits = [hit("p#a", 1.0, title="同じページ"), hit("p#b", 0.97, title="同じページ")]
    assert decide(hits, 0.9, T)[0] is Outcome.ANSWERED


def test_supporting_adds_a_close_second_document_only():
    hits = [hit("a", 1.0), hit("b", 0.95), hit("c", 0.94)]
    assert [h.passage.doc_id for h in supporting(hits, 2, 0.1)] == ["a", "b"]
    assert [h.passage.doc_id for h in supporting([hit("a", 1.0), hit("b", 0.5)], 2, 0.1)] == ["a"]


def test_choices_are_distinct_and_at_most_three():
    hits = [hit("a", 1, question="同じ"), hit("b", 0.9, question="同じ"), hit("c", 0.8),
            hit("d", 0.7), hit("e", 0.6)]
    assert [c.doc_id for c in choices(hits)] == ["a", "c", "d"]


def test_citation_check():
    hits = [hit("a", 1.0)]
    cites = [citation(1, hits[0].passage)]
    verify("本文[1]", cites, hits)
    with pytest.raises(CitationError, match="取得していない"):
        verify("本文[1]", [citation(1, hit("zzz", 1).passage)], hits)
    with pytest.raises(CitationError, match="出典のない引用番号"):
        verify("本文[1][2]", cites, hits)
    with pytest.raises(CitationError, match="使われていない"):
        verify("本文", cites, hits)
