"""Synonyms, fusion and the LangChain adapters."""

from pathlib import Path

import numpy as np
import pytest

from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.langchain import HybridLangChainRetriever
from bot.retrieval.synonyms import Synonyms
from bot.settings import RetrievalSettings
from ingest.embed import LangChainEmbeddings
from ingest.store import ChromaConfig
from ingest.text import Tokenizer


def test_synonyms_match_on_normalized_text(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("粗大ごみ: [大きいゴミ, でかいごみ]\n転入届: 引っ越してきた\n",
                    encoding="utf-8")
    syn = Synonyms.load(path)
    assert syn.expand("大きいごみ 出したい") == ["粗大ごみ"]
    assert syn.expand("ＤＥＫＡＩ でかいゴミ") == ["粗大ごみ"]
    assert syn.expand("先月引っ越してきた") == ["転入届"]
    assert syn.expand("住民票") == []


def test_a_term_written_twice_is_refused(tmp_path):
    # YAML keeps only the last of two equal keys: the first line's spellings would be lost.
    path = tmp_path / "s.yaml"
    path.write_text("妊娠届: [妊娠した]\n住民票の写し: [住民票]\n妊娠届: [赤ちゃんができ]\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="妊娠届.*3 行目"):
        Synonyms.load(path)


def test_packaged_synonym_file_loads():
    syn = Synonyms.load(RetrievalSettings().synonyms_path)
    assert "児童手当" in syn.expand("子どもの手当っていつ振り込まれる")


def retriever(index: Path, embedder, weights: FusionWeights) -> HybridRetriever:
    empty = Synonyms(())
    return HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(), empty,
                           weights)


def test_fusion_combines_keyword_and_dense(mini_index, embedder):
    kw_only = retriever(mini_index, embedder, FusionWeights(1, 0, 0))
    dense_only = retriever(mini_index, embedder, FusionWeights(0, 0, 1))
    hybrid = retriever(mini_index, embedder, FusionWeights())
    # No shared words with the FAQ (転入届 ↔ 引っ越し): keyword side alone cannot find it.
    q = "新しい町に移り住んだら役所でやること"
    assert kw_only.retrieve(q).hits == [] or kw_only.retrieve(q).hits[0].keyword > 0
    dense_rank = [h.passage.doc_id for h in dense_only.retrieve(q).hits]
    assert "T-IDO-001" in dense_rank[:3]
    r = hybrid.retrieve("スプレー缶")
    assert r.hits[0].passage.doc_id == "gomi-guide#p2"
    assert r.hits[0].keyword > 0 and r.hits[0].cos_body > 0
    fused = [h.fused for h in r.hits]
    assert fused == sorted(fused, reverse=True)
    assert max(fused) <= 1.0 + 1e-6


def test_a_shorter_top_k_is_the_head_of_the_longer_ranking(mini_index, embedder):
    """Only the best k candidates are decoded into passages; the order must not change."""
    r = retriever(mini_index, embedder, FusionWeights())
    for question in ("粗大ごみの出し方", "住民票の写し", "図書館"):
        full = [(h.passage.doc_id, h.fused) for h in r.retrieve(question, 20).hits]
        for k in (1, 3, 5):
            assert [(h.passage.doc_id, h.fused) for h in r.retrieve(question, k).hits] == \
                full[:k]
    assert r.retrieve("住民票", 0).hits == []


def test_cross_lingual_dense_retrieval(mini_index, embedder):
    hits = retriever(mini_index, embedder, FusionWeights()).retrieve(
        "How many books can I borrow from the library?").hits
    assert "T-TOSHO-001" in [h.passage.doc_id for h in hits[:3]]


def test_langchain_retriever(mini_index, embedder):
    lc = HybridLangChainRetriever(retriever=retriever(mini_index, embedder, FusionWeights()),
                                  k=3)
    docs = lc.invoke("印鑑登録に必要なもの")
    assert len(docs) == 3
    assert docs[0].id == "T-SHIMIN-002"
    assert docs[0].metadata["locator"] or docs[0].metadata["title"]
    assert docs[0].metadata["url"].endswith("inkan.html")
    assert docs[0].metadata["score"] >= docs[1].metadata["score"]


def test_langchain_embeddings(embedder):
    lc = LangChainEmbeddings(embedder)
    docs = lc.embed_documents(["ごみの出し方", "住民票の取り方"])
    query = lc.embed_query("ゴミの捨て方")
    assert len(docs) == 2 and len(query) == 512
    sims = np.array(docs) @ np.array(query)
    assert sims[0] > sims[1]


def test_language_detection():
    from bot.retrieval.language import is_japanese

    for ja in ("住民票 手数料", "ごみの日", "ゴミ", "マイナンバーカード 更新", "123",
               "後期高齢者医療 保険料", "関東 電車 時間"):
        assert is_japanese(ja), ja
    for other in ("How much is a residence certificate?", "怎么办理居民证明？", "주민등록 등본",
                  "Onde posso pegar o atestado?", "Tôi muốn vứt rác cỡ lớn",
                  # no Chinese function word, but characters Japanese writes otherwise
                  "我奶奶早上出门以后不见了", "樓上冒出黑煙"):
        assert not is_japanese(other), other


def test_a_mistyped_compound_is_searched_as_the_word_it_reads_as(mini_index, embedder):
    hybrid = retriever(mini_index, embedder, FusionWeights())
    r = hybrid.retrieve("住民表の写しはどこでとれますか")
    assert r.spelled == ["住民票"] and "票" in r.tokens  # searched beside the message
    assert r.hits[0].passage.doc_id == "T-SHIMIN-001"
    assert hybrid.retrieve("住民票の写しはどこでとれますか").spelled == []  # typed right


def test_the_handle_follows_a_swap_of_current_and_reads_it_only_when_it_changed(
        tmp_path, monkeypatch):
    """CURRENT is read again only when a stat says it changed; a swap (a rename, as ingest
    does it) is seen at the next call."""
    from bot.retrieval.hybrid import IndexHandle
    from ingest.store import ChromaConfig, IndexPaths

    paths = IndexPaths(tmp_path)
    for name in ("g1", "g2"):
        paths.generation_dir(name).mkdir(parents=True)
    paths.swap("g1")
    handle = IndexHandle(tmp_path, ChromaConfig())
    reads = []
    real = IndexPaths.current_generation
    monkeypatch.setattr(IndexPaths, "current_generation",
                        lambda self: reads.append(1) or real(self))
    assert handle._current_name() == "g1"
    assert handle._current_name() == "g1"
    assert len(reads) == 1
    paths.swap("g2")
    assert handle._current_name() == "g2"
    assert len(reads) == 2
    paths.current.unlink()
    assert handle._current_name() is None


def _same(a, b) -> bool:
    """Two retrievals alike in everything but their timings."""
    import dataclasses

    left, right = dataclasses.asdict(a), dataclasses.asdict(b)
    for d in (left, right):
        d.pop("timings_ms")
    return all(np.array_equal(v, right[k]) if isinstance(v, np.ndarray) else v == right[k]
               for k, v in left.items())


def test_a_kept_retrieval_is_the_one_computed_and_only_without_filter_or_topic(mini_index,
                                                                              embedder):
    """Retrievals without filter or topic are kept (bounded, most recent), returned again as
    they were computed; with a filter or a topic each is computed."""
    kept = HybridRetriever(IndexHandle(mini_index, ChromaConfig()), embedder, Tokenizer(),
                           Synonyms(()), FusionWeights(), kept=2)
    fresh = retriever(mini_index, embedder, FusionWeights())
    queries = ["スプレー缶", "新しい町に移り住んだら役所でやること", "住民票の写し"]
    first = [kept.retrieve(q) for q in queries]
    assert all(_same(a, fresh.retrieve(q)) for a, q in zip(first, queries, strict=True))
    assert kept.retrieve(queries[2]) is first[2] and kept.retrieve(queries[1]) is first[1]
    assert kept.retrieve(queries[0]) is not first[0]  # pushed out by the third
    assert len(kept._kept) == 2
    topic = first[0].topic
    with_topic = kept.retrieve(queries[2], topic=topic)
    assert with_topic is not kept.retrieve(queries[2], topic=topic)
    assert _same(with_topic, fresh.retrieve(queries[2], topic=topic))
    filters = {"source_type": "faq"}
    assert kept.retrieve(queries[2], filters=filters) is not kept.retrieve(queries[2],
                                                                           filters=filters)
    assert retriever(mini_index, embedder, FusionWeights()).kept == 0  # off by default
