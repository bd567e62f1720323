"""The serving embedder keeps recent query vectors (ingest.embed.RecentQueries)."""

import numpy as np

from ingest.embed import RecentQueries


class Counting:
    name, dim = "counting", 3

    def __init__(self):
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += texts
        return np.array([[len(t), ord(t[0]), 1.0] for t in texts], dtype=np.float32)


def test_a_text_is_embedded_once_while_it_is_recent():
    inner = Counting()
    cached = RecentQueries(inner, size=2)
    first = cached.embed(["住民票", "ごみ", "住民票"])
    assert inner.seen == ["住民票", "ごみ"]  # once each, even twice in one call
    assert np.array_equal(first[0], first[2])
    assert np.array_equal(cached.embed(["ごみ"])[0], first[1]) and inner.seen == ["住民票", "ごみ"]
    cached.embed(["避難所"])  # the oldest (住民票) leaves
    cached.embed(["住民票"])
    assert inner.seen == ["住民票", "ごみ", "避難所", "住民票"]
    assert cached.embed([]).shape == (0, 3) and (cached.name, cached.dim) == ("counting", 3)
