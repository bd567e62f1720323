"""The learned-ranker study's models learn a signal that ranks, and are scored like the fusion."""

import numpy as np

from eval.ranker_study import Question, hits, pairwise, pointwise


def _questions(seed, n=60):
    """Hits whose second signal tells the right one; the first (the 'fusion' order) lies."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        right = int(rng.integers(1, 5))
        x = rng.normal(size=(5, 3))
        x[:, 1] -= 2
        x[right, 1] += 4
        grade = np.zeros(5, dtype=int)
        grade[right] = 2
        out.append(Question("g", [f"d{i}" for i in range(5)], x, grade))
    return out


def test_a_learnt_ranker_finds_the_signal_that_fusion_order_misses():
    train, test = _questions(1), _questions(2)
    assert hits(test, None)[0] == 0.0  # the right hit is never first in the given order
    for model in (pointwise(train, 0.01), pairwise(train, 0.01)):
        assert hits(test, model)[0] > 0.95
