"""A query's terms are kept for recent queries: the same list as computed afresh, and a
caller changing its copy changes nothing kept."""

from __future__ import annotations

from ingest.text import Tokenizer


def test_kept_query_terms_are_the_terms_and_a_fresh_copy():
    kept, fresh = Tokenizer(), Tokenizer()
    texts = ["住民票の写しを取りたいです", "ごみの日を教えて", "図書館 何時まで",
             "住民票の写しを取りたいです"]
    for text in texts:
        first = kept.query_tokens(text)
        assert first == list(fresh._query_tokens(text)) and isinstance(first, list)
        first.append("変更")
        assert kept.query_tokens(text) == list(fresh._query_tokens(text))
    assert kept._query_terms.cache_info().hits >= 4
