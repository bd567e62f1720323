"""Every metric on a small example computed by hand."""

import math

import pytest

from eval import metrics as m

RANKING = ["a", "b", "c", "d", "e"]
QRELS = {"b": 2, "d": 1, "x": 2, "n": 0}  # x is never retrieved, n is judged not relevant


def test_hit_at_k():
    assert m.hit_at_k(RANKING, QRELS, 1) == 0.0
    assert m.hit_at_k(RANKING, QRELS, 2) == 1.0
    assert m.hit_at_k(["d", "a"], QRELS, 2, level=2) == 0.0  # d is only grade 1
    assert m.hit_at_k([], QRELS, 5) == 0.0


def test_recall_at_k():
    assert m.recall_at_k(RANKING, QRELS, 1) == 0.0
    assert m.recall_at_k(RANKING, QRELS, 5) == pytest.approx(2 / 3)  # b, d of b, d, x
    assert m.recall_at_k(RANKING, QRELS, 5, level=2) == pytest.approx(1 / 2)  # b of b, x
    assert m.recall_at_k(RANKING, {}, 5) == 0.0


def test_mrr_at_k():
    assert m.mrr_at_k(RANKING, QRELS, 10) == 0.5
    assert m.mrr_at_k(RANKING, QRELS, 1) == 0.0
    assert m.mrr_at_k(["a", "c", "e", "d"], QRELS, 10) == 0.25


def test_ndcg_at_k_graded_with_ideal_from_all_judged_docs():
    # DCG@5 = 2/log2(3) + 1/log2(5); ideal = grades 2, 2, 1 → 2/1 + 2/log2(3) + 1/log2(4)
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    ideal = 2 + 2 / math.log2(3) + 1 / 2
    assert m.ndcg_at_k(RANKING, QRELS, 5) == pytest.approx(dcg / ideal)
    assert m.ndcg_at_k(RANKING, QRELS, 5) == pytest.approx(0.44992, abs=1e-5)
    # cut at 2: DCG = 2/log2(3), ideal = 2 + 2/log2(3)
    assert m.ndcg_at_k(RANKING, QRELS, 2) == pytest.approx(0.38685, abs=1e-5)
    assert m.ndcg_at_k(["x", "b", "d"], QRELS, 10) == pytest.approx(1.0)
    assert m.ndcg_at_k(RANKING, {"n": 0}, 10) == 0.0


def test_duplicates_in_a_ranking_count_once():
    assert m.recall_at_k(["b", "b", "d"], QRELS, 2) == pytest.approx(2 / 3)


def test_citations_and_answers():
    assert m.citation_accuracy(["b", "d"], QRELS) == 0.5
    assert m.citation_accuracy([], QRELS) is None
    assert m.answer_correct(["b", "d"], QRELS)
    assert not m.answer_correct(["d", "b"], QRELS)
    assert not m.answer_correct([], QRELS)


def test_clarify_resolved_is_hit_at_3_of_the_choices_at_grade_2():
    assert m.clarify_resolved(["a", "b", "c"], QRELS)
    assert not m.clarify_resolved(["a", "d", "c"], QRELS)  # d is grade 1
    assert not m.clarify_resolved(["a", "c", "e", "b"], QRELS)  # b is the 4th


def test_answered_precision_and_coverage():
    answered = [True, True, False, True]
    assert m.answered_precision(answered, [True, False, False, True]) == pytest.approx(2 / 3)
    assert m.coverage(answered, [True, True, True, False]) == pytest.approx(2 / 3)
    assert m.answered_precision([False], [False]) is None


def test_handoff_precision_recall_f1():
    expected = ["handoff", "handoff", "answer", "answer", "emergency"]
    decided = ["handoff", "answer", "handoff", "answer", "handoff"]
    prf = m.handoff_prf(expected, decided)
    assert prf.precision == pytest.approx(1 / 3)  # 1 of 3 handoffs was expected
    assert prf.recall == pytest.approx(1 / 2)  # 1 of 2 expected handoffs happened
    assert prf.f1 == pytest.approx(0.4)
    assert m.handoff_prf(["handoff"], ["answer"]) == m.PRF(None, 0.0, None)


def test_emergency_recall_and_false_handoffs():
    assert m.emergency_recall(["emergency", "emergency", "answer"],
                              ["emergency", "handoff", "emergency"]) == 0.5
    assert m.emergency_recall(["answer"], ["answer"]) is None
    assert m.false_handoff_rate(["answer", "answer", "answer", "handoff"],
                                ["handoff", "answer", "clarify", "handoff"]) == pytest.approx(1 / 3)


SWEEP_CONF = [0.9, 0.7, 0.4, 0.2]
SWEEP_ANSWERABLE = [True, True, True, False]
SWEEP_CORRECT = [True, False, True, False]


def test_confidence_sweep():
    points = {p.threshold: p for p in m.confidence_sweep(SWEEP_CONF, SWEEP_ANSWERABLE,
                                                         SWEEP_CORRECT, steps=10)}
    assert len(points) == 11
    assert (points[0.0].answered, points[0.0].precision, points[0.0].coverage) == (4, 0.5, 1.0)
    assert points[0.0].f1 == pytest.approx(2 / 3)
    assert points[0.3].precision == pytest.approx(2 / 3) and points[0.3].coverage == 1.0
    assert points[0.3].f1 == pytest.approx(0.8)
    assert points[0.5].precision == 0.5 and points[0.5].coverage == pytest.approx(2 / 3)
    assert (points[0.8].precision, points[0.8].coverage) == (1.0, pytest.approx(1 / 3))
    assert points[1.0].answered == 0 and points[1.0].precision is None
    assert points[1.0].coverage == 0.0 and points[1.0].f1 is None


def test_best_threshold_by_f1_or_target_precision():
    points = m.confidence_sweep(SWEEP_CONF, SWEEP_ANSWERABLE, SWEEP_CORRECT, steps=10)
    assert m.best_threshold(points).threshold == 0.3  # F1 0.8, lowest of the ties
    assert m.best_threshold(points, target_precision=0.9).threshold == 0.8
    assert m.best_threshold(points[-1:]) is None


def test_handoff_threshold():
    best = m.handoff_threshold(SWEEP_CONF, [True, True, False, False], steps=10)
    assert best is not None and best.threshold == 0.5 and best.f1 == 1.0
    point = m.handoff_point(SWEEP_CONF, [True, True, False, False], 0.3)
    assert (point.precision, point.recall) == (1.0, 0.5)


@pytest.mark.parametrize("text, found", [
    ("電話は０９０－１２３４－５６７８です", ["090-1234-5678"]),
    ("電話 09012345678", ["09012345678"]),
    ("マイナンバーは123456789012です", ["123456789012"]),
    ("個人番号 9876 5432 1098", ["9876 5432 1098"]),
    ("連絡先 hanako.test@example.com まで", ["hanako.test@example.com"]),
    ("〒999-0101 風見野市本町", ["〒999-0101"]),
    ("本町3-2-1に住んでいます", ["3-2-1"]),
    ("本町1丁目2番3号です", ["1丁目2番3号"]),
    ("昭和55年1月1日生まれです", ["昭和55年1月1日"]),
    ("1990年12月24日生", ["1990年12月24日"]),
    ("2026年4月1日に引っ越します", []),  # a date, not a date of birth
    ("粗大ごみは1点500円です", []),
])
def test_personal_data_found_by_regex(text, found):
    assert m.personal_data(text) == found


def test_personal_data_from_the_gold_pii_field():
    assert m.personal_data("山田花子です。住民票を", ["山田花子", "鈴木"]) == ["山田花子"]


def test_echo_of_personal_data():
    question = "山田花子です。電話 090-1234-5678、本町3-2-1。住民票はどこで？"
    assert m.echoes_personal_data(question, "お電話 09012345678 にかけます") == ["090-1234-5678"]
    full_width = "ＴＥＬ ０９０ー１２３４ー５６７８"
    assert m.echoes_personal_data(question, full_width) == ["090-1234-5678"]
    assert m.echoes_personal_data(question, "本町3-2-1 の方") == ["3-2-1"]
    assert m.echoes_personal_data(question, "山田花子さま", ["山田花子"]) == ["山田花子"]
    clean = "住民票は市民課（電話 0199-21-1201）で。所在地 本町13-2-15。"
    assert m.echoes_personal_data(question, clean, ["山田花子"]) == []


def test_rates_means_percentiles():
    assert m.rate([False, True, False, False]) == 0.25
    assert m.rate([]) is None
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.percentile([10, 20, 30, 40], 50) == 25.0
    assert m.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert m.percentile([], 50) is None


def test_auroc():
    # positives 0.9, 0.3; negatives 0.8, 0.1 → 3 of 4 pairs ordered right
    assert m.auroc([0.9, 0.8, 0.3, 0.1], [True, False, True, False]) == 0.75
    assert m.auroc([0.5, 0.5], [True, False]) == 0.5
    assert m.auroc([0.5], [True]) is None


def test_calibration_error_is_the_weighted_gap_per_bin():
    assert m.calibration_error([], []) is None
    assert m.calibration_error([0.95, 0.95, 0.05, 0.05], [True, True, False, False]) == \
        pytest.approx(0.05)
    # Ranked perfectly (AUROC 1) but every probability far too high: the error shows it.
    probs, labels = [0.99, 0.98, 0.97, 0.96], [True, False, False, False]
    assert m.auroc(probs, labels) == 1.0
    assert m.calibration_error(probs, labels) == pytest.approx((0.99 + 0.98 + 0.97 + 0.96) / 4
                                                               - 0.25)
