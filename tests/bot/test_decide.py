"""The decision, agreement and citation rules as pure functions."""

import numpy as np
import pytest

from bot.pipeline.agreement import distinct, rival_margin, support, supporters
from bot.pipeline.cite import CitationError, verify
from bot.pipeline.compose import choices, citation, readable_label
from bot.pipeline.confidence import Estimate
from bot.pipeline.decide import Thresholds, decide, names_department
from bot.pipeline.outcome import Outcome
from bot.retrieval.hybrid import Hit, Retrieval
from ingest.schema import Passage, SourceType


def hit(doc_id, fused, title=None, cos=0.5, question=""):
    """An FAQ entry; a page section when the id has a #."""
    page = "#" in doc_id
    p = Passage(doc_id=doc_id, source_type=SourceType.PAGE if page else SourceType.FAQ,
                title=title or doc_id, text="本文",
                question="" if page else question or f"{doc_id}の質問")
    return Hit(p, fused, cos_head=cos, cos_body=cos)


def retrieval(hits, similarity=None):
    n = len(hits)
    sim = np.eye(n, dtype=np.float32) if similarity is None else np.array(similarity, np.float32)
    return Retrieval(query="q", normalized="q", tokens=["q"], expansions=[], hits=hits,
                     keyword_ceiling=1.0, head_ceiling=1.0, similarity=sim)


def estimate(p_top, p_choices):
    return Estimate(p_top, p_choices, {})


T = Thresholds(answer=0.9, clarify=0.5, department=0.5)


def test_no_hits_is_no_source():
    assert decide([], estimate(0.99, 0.99), T)[0] is Outcome.HANDOFF_NO_SOURCE


def test_likely_right_answers_whatever_the_runner_up():
    tied = [hit("a", 1.0), hit("b", 0.99)]
    assert decide(tied, estimate(0.93, 0.99), T)[0] is Outcome.ANSWERED


def test_a_right_choice_likely_offered_clarifies():
    hits = [hit("a", 1.0), hit("b", 0.5)]
    outcome, why = decide(hits, estimate(0.6, 0.7), T)
    assert outcome is Outcome.CLARIFY and "0.70" in why


def test_neither_likely_hands_off():
    hits = [hit("a", 1.0), hit("b", 0.5)]
    assert decide(hits, estimate(0.6, 0.4), T)[0] is Outcome.HANDOFF_LOW_CONFIDENCE
    assert decide(hits[:1], estimate(0.6, 0.9), T)[0] is Outcome.HANDOFF_LOW_CONFIDENCE


def test_handoff_names_a_department_only_when_the_topic_is_known():
    assert names_department(estimate(0.1, 0.6), T)
    assert not names_department(estimate(0.1, 0.2), T)


# a, b say the same thing (0.9); c is a rival; d repeats c.
SIM = [[1, .9, .2, .2], [.9, 1, .2, .2], [.2, .2, 1, .95], [.2, .2, .95, 1]]


def test_agreeing_passages_are_not_rivals():
    r = retrieval([hit("a", 1.0), hit("b", 0.98), hit("c", 0.7), hit("d", 0.6)], SIM)
    assert rival_margin(r, 0.8) == pytest.approx(0.3)  # measured against c, not b
    assert support(r, 0.8) == pytest.approx(1 / 3)
    assert supporters(r, 0.8, 2) == [0, 1]


def test_choices_are_real_alternatives():
    # b repeats the FAQ a, d repeats the FAQ c (pages saying what they say)
    r = retrieval([hit("a", 1.0), hit("p#b", 0.98), hit("c", 0.7), hit("q#d", 0.6),
                   hit("e", 0.5)],
                  [row + [0.1] for row in SIM] + [[0.1] * 5])
    assert distinct(r, 0.8, 3) == [0, 2, 4]


def test_sections_of_one_page_are_alternatives_however_close():
    # the page's overview and its opening hours read alike, and are still two choices;
    # an FAQ saying what the overview says is not
    r = retrieval([hit("annai#intro", 1.0), hit("annai#jikan", 0.9), hit("FAQ-1", 0.8)],
                  [[1, .9, .9], [.9, 1, .5], [.9, .5, 1]])
    assert distinct(r, 0.8, 3) == [0, 1]


def test_two_faq_entries_are_alternatives_however_close():
    # 児童扶養手当 and its 現況届 read alike; the city answered them separately. A page
    # section saying what the first FAQ says is still a near-duplicate.
    r = retrieval([hit("FAQ-6", 1.0, question="ひとり親の手当は？"),
                   hit("FAQ-32", 0.9, question="現況届はいつ？"), hit("page#s", 0.8)],
                  [[1, .9, .9], [.9, 1, .5], [.9, .5, 1]])
    assert distinct(r, 0.8, 3) == [0, 1]


def test_choices_never_repeat_a_label_and_are_at_most_three():
    hits = [hit("a", 1, question="同じ"), hit("b", 0.9, question="同じ"), hit("c", 0.8),
            hit("d", 0.7), hit("e", 0.6)]
    assert [c.doc_id for c in choices(hits)] == ["a", "c", "d"]


def test_choice_labels_read_as_titles_not_breadcrumbs():
    page = Passage(doc_id="p#s", source_type=SourceType.PAGE, title="粗大ごみの出し方",
                   text="本文", locator="粗大ごみの出し方 ＞ 粗大ごみになるもの")
    assert readable_label(page) == "粗大ごみになるもの（粗大ごみの出し方）"
    article = Passage(doc_id="t#第3条", source_type=SourceType.ORDINANCE, title="手数料条例",
                      text="本文", locator="第3条（手数料の額）")
    assert readable_label(article) == "手数料条例 第3条（手数料の額）"
    # As the ingester stores an article: the caption is the text's first line.
    ingested = Passage(doc_id="inkan#第14条", source_type=SourceType.ORDINANCE,
                       title="風見野市印鑑条例", locator="第14条",
                       text="（印鑑登録証明書の交付申請）\n第14条 印鑑登録証明書の交付を…")
    assert readable_label(ingested) == "印鑑登録証明書の交付申請（風見野市印鑑条例 第14条）"
    uncaptioned = Passage(doc_id="t#附則", source_type=SourceType.ORDINANCE, title="手数料条例",
                          locator="附則", text="（施行期日）の規定は…\n1 この条例は…")
    assert readable_label(uncaptioned) == "手数料条例 附則"
    assert readable_label(hit("a", 1, question="質問ですか").passage) == "質問ですか"


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
