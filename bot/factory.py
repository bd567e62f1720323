"""The one place where settings become objects: embedder, index, retriever, pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.llm.composer import make_composer
from bot.pipeline.confidence import Calibration
from bot.pipeline.decide import Thresholds
from bot.pipeline.emergency import EmergencyDetector
from bot.pipeline.guard import Guard
from bot.pipeline.replies import Replies
from bot.pipeline.run import Pipeline
from bot.pipeline.safety import Safety
from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from bot.settings import AnswerSettings, Settings
from ingest.embed import Embedder, RecentQueries, make_embedder
from ingest.store import ChromaConfig
from ingest.text import Tokenizer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def chroma_config(settings: Settings) -> ChromaConfig:
    c = settings.chroma
    return ChromaConfig(host=c.host, port=c.port, collection_prefix=c.collection_prefix)


@dataclass
class Components:
    embedder: Embedder
    retriever: HybridRetriever
    pipeline: Pipeline


def thresholds(a: AnswerSettings, calibration: Calibration) -> Thresholds:
    """The operating point: the answer level reaching the target precision on the calibration's
    dev curve, and the calibrated clarify level unless a setting overrides it."""
    clarify = a.clarify_threshold if a.clarify_threshold is not None else calibration.clarify
    return Thresholds(answer=calibration.answer_threshold(a.target_precision), clarify=clarify,
                      department=clarify)


# Retrievals without filter or topic kept per worker (HybridRetriever `kept`; ~40 KB each),
# off with the answer cache (`server.answer_cache` 0).
RETRIEVALS_KEPT = 256


def build(settings: Settings, index_dir: Path | None = None,
          embedder: Embedder | None = None, chat_model: BaseChatModel | None = None
          ) -> Components:
    """Build the answering pipeline over the index; fails fast on a missing reply or file.

    `chat_model` replaces the model of `settings.llm` (tests use langchain-core fakes)."""
    embedder = RecentQueries(embedder or make_embedder(settings.embedder))
    r, a = settings.retrieval, settings.answer
    retriever = HybridRetriever(
        IndexHandle(index_dir or settings.index_dir, chroma_config(settings)), embedder,
        Tokenizer(), Synonyms.load(r.synonyms_path),
        FusionWeights(r.weight_keyword, r.weight_head, r.weight_dense), r.candidates,
        r.exact_below, r.dense_index, r.probe,
        kept=RETRIEVALS_KEPT if settings.server.answer_cache else 0)
    gen = retriever.index.get()  # fail fast (FileNotFoundError with what to do): no index
    if r.dense_index == "chroma" and len(gen.passages) > r.exact_below:
        _ = gen.collection  # and when the collection it would search is missing
    replies, safety = Replies.load(a.replies_path), Safety.load()
    calibration = Calibration.load(a.calibration_path)
    pipeline = Pipeline(
        retriever=retriever, guard=Guard.load(a.guard_path), replies=replies,
        calibration=calibration,
        thresholds=thresholds(a, calibration),
        city={"city_name": settings.city_name, "city_phone": settings.city_phone},
        safety=safety, emergency=EmergencyDetector.load(a.emergency_path, embedder),
        max_citations=a.max_citations, top_k=r.top_k,
        composer=make_composer(settings.llm, replies, safety.masker, chat_model),
        glossary=Synonyms.load(r.glossary_path))
    return Components(embedder, retriever, pipeline)
