"""The hybrid retriever as a LangChain `BaseRetriever`, for a city's own LangChain apps."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.retrieval.hybrid import Hit, HybridRetriever


def _document(hit: Hit) -> Document:
    p = hit.passage
    return Document(page_content=p.text, id=p.doc_id, metadata={
        **p.chroma_metadata(), "question": p.question, "score": round(hit.fused, 4),
        "keyword": round(hit.keyword, 4), "dense": round(hit.dense, 4)})


class HybridLangChainRetriever(BaseRetriever):
    """`retriever.invoke("粗大ごみの出し方")` → Documents with doc_id, locator, url, scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 5
    filters: dict[str, str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.retrieve(query, top_k=self.k, filters=self.filters)
        return [_document(h) for h in result.hits]
