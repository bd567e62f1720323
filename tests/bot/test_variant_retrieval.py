"""Retrieval scores an FAQ by its best-matching question (official or variant); the answer still
quotes the FAQ's own text, cites the FAQ, and the trace names the variant that matched."""

from __future__ import annotations

import shutil

import pytest

from bot.factory import build
from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest.delta import apply_variants
from ingest.store import ChromaConfig
from ingest.text import Tokenizer
from ingest.variants import Variant

ASKED = "うちのソファがもう要らないんだけど"
VARIANT = "いらなくなったソファはどうしたらいい"


@pytest.fixture
def index(tmp_path, mini_index):
    dst = tmp_path / "index"
    shutil.copytree(mini_index, dst)
    return dst


def _retriever(index, embedder, weights=None):
    return HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(),
                           Synonyms(()), weights or FusionWeights())


def _hit(retrieval, doc_id):
    return next(h for h in retrieval.hits if h.passage.doc_id == doc_id)


def test_best_matching_variant_scores_the_question_side(index, embedder):
    r = _retriever(index, embedder)
    before = _hit(r.retrieve(ASKED), "T-GOMI-001")
    assert not before.variant
    apply_variants(index, [Variant("T-GOMI-001", VARIANT, "db:7")], embedder)
    after_r = r.retrieve(ASKED)
    after = _hit(after_r, "T-GOMI-001")
    assert after.cos_head > before.cos_head + 0.05
    assert after.cos_body == pytest.approx(before.cos_body, abs=1e-5)
    assert after.variant == VARIANT and "dense" in after.variant_side
    assert after.trace()["variant"] == VARIANT and after.trace()["variant_origin"] == "db:7"
    assert after_r.hits[0].passage.doc_id == "T-GOMI-001"
    # the keyword question field takes the variant's words too
    kw = _retriever(index, embedder, FusionWeights(0, 1, 0)).retrieve("ソファ いらなくなった")
    assert kw.hits[0].passage.doc_id == "T-GOMI-001" and "keyword" in kw.hits[0].variant_side
    r.index.close()


def test_an_articles_plain_line_counts_on_the_dense_side_and_full_text_not_the_head(
        index, embedder):
    """An ordinance article's question field is its locator; a plain-language line given to it
    (言い換え in the reiki file's sidecar) is scored as the article's best question on the dense
    side and with the article's text in the full-text field, but not in the question field's
    BM25, where an FAQ's variant would be."""
    line = "ズルして手数料をごまかしたらどうなる"
    asked = "ズル ごまかし"
    r = _retriever(index, embedder)
    before = _hit(r.retrieve(line), "tesuryo#第3条")
    apply_variants(index, [Variant("tesuryo#第3条", line, "db:1"),
                           Variant("T-GOMI-001", "ズルして粗大ごみを出したら", "db:2")], embedder)
    after = _hit(r.retrieve(line), "tesuryo#第3条")
    assert after.cos_head > before.cos_head + 0.05 and after.variant == line
    full_only = _retriever(index, embedder, FusionWeights(1, 0, 0)).retrieve(asked)
    assert full_only.hits[0].passage.doc_id == "tesuryo#第3条"
    head_only = _retriever(index, embedder, FusionWeights(0, 1, 0)).retrieve(asked)
    assert _hit(head_only, "T-GOMI-001").head > 0  # an FAQ's variant still counts there
    article = [h for h in head_only.hits if h.passage.doc_id == "tesuryo#第3条"]
    assert not article or (article[0].head == 0 and "keyword" not in article[0].variant_side)
    r.index.close()


def test_answer_quotes_the_faq_and_cites_it(index, embedder, settings_factory):
    apply_variants(index, [Variant("T-GOMI-001", VARIANT, "db:7")], embedder)
    pipeline = build(settings_factory(index), embedder=embedder).pipeline
    reply = pipeline.answer(VARIANT)
    assert reply.decision in ("answer", "clarify")
    top = reply.trace["steps"]
    retrieve = next(s for s in top if s["step"] == "retrieve")
    assert retrieve["fused_top"][0]["doc_id"] == "T-GOMI-001"
    assert retrieve["fused_top"][0]["variant"] == VARIANT
    if reply.decision == "answer":
        assert reply.citations[0].doc_id == "T-GOMI-001"
        assert VARIANT not in reply.answer
        assert "粗大ごみ" in reply.answer or "予約" in reply.answer
    pipeline.retriever.index.close()
