"""One answer embeds its texts in one batch, and small indexes are searched exactly."""

from __future__ import annotations

import numpy as np

from bot.factory import build
from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest.store import ChromaConfig
from ingest.text import Tokenizer


class Counting:
    """The real embedder, with each call's texts recorded."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.embed(texts)


def test_a_message_with_a_preamble_and_two_questions_is_embedded_in_one_batch(
        mini_index, embedder, settings_factory):
    counting = Counting(embedder)
    pipeline = build(settings_factory(mini_index), embedder=counting).pipeline
    counting.calls.clear()
    message = ("いつもお世話になっています、引っ越してきたばかりで困っています。"
               "粗大ごみはどう出せばいいですか？住民票の写しはどこで取れますか？")
    reply = pipeline.answer(message)
    readings = next(s for s in reply.trace["steps"] if s["step"] == "understand")["readings"]
    assert len(readings) >= 2  # the message and its question sentences were both searched
    assert len(counting.calls) == 1, counting.calls
    assert len(counting.calls[0]) >= 3  # the message, its clauses and its readings together


def test_the_exact_search_finds_what_the_vector_index_finds(mini_index, embedder):
    def retriever(exact_below: int) -> HybridRetriever:
        return HybridRetriever(IndexHandle(mini_index, ChromaConfig()), embedder, Tokenizer(),
                               Synonyms(()), FusionWeights(), exact_below=exact_below)

    exact, indexed = retriever(10**6), retriever(0)
    for question in ("粗大ごみの出し方", "住民票の写しが欲しい", "How do I get a resident card?",
                     "図書館の開館時間"):
        for filters in (None, {"source_type": "faq"}):
            a = [h.passage.doc_id for h in exact.retrieve(question, 5, filters).hits]
            b = [h.passage.doc_id for h in indexed.retrieve(question, 5, filters).hits]
            assert a == b, (question, filters)
            if filters:
                assert all(h.passage.source_type == "faq"
                           for h in exact.retrieve(question, 5, filters).hits)


def test_a_channel_that_screens_first_still_embeds_in_one_batch(mini_index, embedder,
                                                                settings_factory):
    """Channels run the safety gate before storing the message and asking for the answer:
    the gate's batch carries the readings too, so answering embeds nothing more."""
    counting = Counting(embedder)
    pipeline = build(settings_factory(mini_index), embedder=counting).pipeline
    counting.calls.clear()
    message = "引っ越してきたばかりで困っています。粗大ごみはどう出せばいいですか？"
    screen = pipeline.screen(message)
    assert len(counting.calls) == 1 and len(counting.calls[0]) >= 2, counting.calls
    pipeline.answer(message, screen=screen)
    assert len(counting.calls) == 1, counting.calls
