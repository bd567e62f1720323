"""The not-covered study's signals say which of the query's words the choices lack, and its veto
is chosen on the other runs (never costing them more than one resolved question)."""

import numpy as np

from eval.coverage_study import (
    Run,
    Terms,
    leave_one_out,
    lexical,
    retrieval_signals,
    separation,
    vetoed,
)
from eval.rows import ResultRow


def _terms() -> Terms:
    # 「マイナ保険証の登録を解除したい」: the choices name the card and its registration, not 解除.
    idf = {"保険": 1.0, "登録": 1.0, "解除": 3.0, "為る": 0.5}
    return Terms(idf, dict.fromkeys(idf, True),
                 in_text={"保険": [True, False], "登録": [True, True], "解除": [False, False],
                          "為る": [True, True]},
                 in_title={"保険": [True, False], "登録": [False, True], "解除": [False, False],
                           "為る": [False, False]})


def test_the_specific_need_missing_from_every_choice_is_seen():
    s = lexical(_terms(), max_idf=6.0)
    assert s["miss_choices"] == s["miss_top"] == 3.0 / 5.5
    assert s["miss_titles"] == 3.5 / 5.5  # 為る is in no title either
    assert s["miss_idf_max"] == 0.5
    assert s["specific_miss"] == s["need_miss"] == 1.0  # 解除 is the rarest and the need


def test_a_covered_need_and_a_query_without_terms():
    t = _terms()
    covered = Terms(t.idf, t.seen, {w: [True, False] for w in t.idf}, t.in_title)
    assert lexical(covered, 6.0)["miss_choices"] == 0.0
    assert lexical(covered, 6.0)["need_miss"] == 0.0
    assert set(lexical(Terms({}, {}, {}, {}), 6.0).values()) == {0.0}


def test_retrieval_signals_read_the_trace():
    step = {"keyword_top": [["a", 3.0], ["b", 2.0]], "dense_top": [["b", 0.7], ["c", 0.6]],
            "fused_top": [{"doc_id": "a", "cos_head": 0.5, "head_coverage": 0.2, "coverage": 0.4},
                          {"doc_id": "b", "cos_head": 0.7, "head_coverage": 0.1,
                           "coverage": 0.9}]}
    s = retrieval_signals(step, ["a", "b"])
    assert s == {"keyword_dense_overlap": 0.2, "choice_cos": 0.7, "choice_title_coverage": 0.2,
                 "choice_coverage": 0.9}


def _row(i: int, expect: str, right_choice: bool) -> ResultRow:
    return ResultRow(id=f"q{i}", question="", type="t", expect=expect, decision="clarify",
                     outcome="clarify", confidence=0.3, choices=["d"],
                     relevant={"d": 2} if right_choice else {}, signals={})


def _run(name: str, seed: int) -> Run:
    """Clarified rows: not covered ones have a high `miss`, resolved answerable ones a low one
    (one resolved row looks not covered)."""
    rng = np.random.default_rng(seed)
    rows, xs = [], []
    for i in range(40):
        nc = i % 4 == 0
        rows.append(_row(i, "handoff" if nc else "answer", not nc))
        miss = 0.9 if nc or i == 1 else float(rng.uniform(0.0, 0.4))
        xs.append({"p_choices": 0.6, "p_top": 0.3, "miss": miss})
    return Run(name, rows, xs)


def test_the_veto_learns_a_separating_signal_and_keeps_the_loss_bound():
    runs = [_run(f"r{k}", k) for k in range(3)]
    assert separation(runs[0], "miss") > 0.9
    lines = leave_one_out(runs, ("p_choices", "miss"))
    assert len(lines) == 3
    for line in lines:  # | name | level | resolved | F1 |: chosen on the other runs
        cells = line.split("|")
        assert float(cells[2]) < 1.0
        f_before, f_after = (float(v) for v in cells[4].split("→"))
        assert f_after > f_before
    w, b = np.array([0.0, 20.0]), -10.0
    decisions = vetoed(runs[0], ("p_choices", "miss"), w, b, 0.5)
    assert decisions.count("handoff") == 11  # ten not covered and the look-alike
