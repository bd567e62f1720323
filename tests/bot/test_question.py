"""Finding the question inside a message, and choosing the reading from evidence."""

from dataclasses import replace

import numpy as np
import pytest

from bot.pipeline.confidence import Estimate
from bot.pipeline.question import focus, sentences
from bot.pipeline.reading import choose, two_topics
from bot.retrieval.hybrid import Hit, Retrieval
from ingest.schema import Passage, SourceType


def test_sentences_keep_their_marks():
    assert sentences("すみません。ごみの日は？\n住民票は") == [
        "すみません。", "ごみの日は？", "住民票は"]


@pytest.mark.parametrize("text, question", [
    ("すみません、初めて問い合わせるのですが。先月引っ越してきました。ごみの収集日はいつですか？",
     "ごみの収集日はいつですか？"),
    ("粗大ごみの出し方を教えて", "粗大ごみの出し方を教えて"),
    ("住民票", "住民票"),
    ("正直言って困っています。いくら？", "いくら？"),
    ("いつもご苦労様です。街灯が消えたままです。どこに連絡すればいいですか。",
     "どこに連絡すればいいですか。"),
])
def test_focus_drops_preambles_and_feelings(text, question):
    assert focus(text).question == question


def test_a_short_question_keeps_the_sentence_that_names_its_topic():
    f = focus("国保の保険料が高すぎて払えません。いくら？")
    assert f.question == "国保の保険料が高すぎて払えません。いくら？"


def test_a_question_that_refers_back_keeps_the_sentence_it_refers_to():
    f = focus("ハザードマップを見たら家のあたりが真っ赤でした。これって何に気をつければいい？")
    assert f.question.startswith("ハザードマップを見たら")
    assert focus("先月引っ越してきました。そこで住民票はいつ取れますか").question.startswith("先月")


def test_two_questions_are_listed_separately():
    f = focus("住民票の手数料はいくら？あと印鑑登録はどこでできますか")
    assert f.parts == ["住民票の手数料はいくら？", "印鑑登録はどこでできますか"]
    assert focus("ごみの日はいつ？").parts == []


TOPICS: list[str] = []  # a fake retrieval's topic vector is the index of its top doc here


def _retrieval(doc_ids):
    hits = [Hit(Passage(doc_id=d, source_type=SourceType.FAQ, title=d, text="t"), 1.0 - i / 10)
            for i, d in enumerate(doc_ids)]
    TOPICS.append(doc_ids[0])
    return Retrieval(query="q", normalized="q", tokens=[], expansions=[], hits=hits,
                     keyword_ceiling=1.0, head_ceiling=1.0,
                     topic=np.array([len(TOPICS) - 1], dtype=np.float32))


def fake_search(table):
    """query, or (query, topic doc) → (doc_ids, p_top, p_choices); unknown queries find
    nothing useful."""
    def search(query, topic=None):
        key = query if topic is None else (query, TOPICS[int(topic[0])])
        doc_ids, p_top, p_choices = table.get(key, (["x"], 0.05, 0.05))
        return _retrieval(doc_ids), Estimate(p_top, p_choices, {})
    return search


def same(text):
    return text


def test_a_follow_up_that_cannot_stand_alone_is_searched_within_the_previous_topic():
    search = fake_search({"手数料は？": (["fees"], 0.2, 0.4),
                          "住民票の写しはどこで": (["juminhyo"], 0.9, 0.95),
                          ("手数料は？", "juminhyo"): (["juminhyo-fee"], 0.6, 0.9)})
    best, tried = choose(search, same, focus("手数料は？"), "住民票の写しはどこで", 0.8)
    assert best.label == "context" and [r.label for r in tried] == ["message", "context"]
    assert best.query == "手数料は？"  # the follow-up's words, the earlier turn as its topic
    assert best.retrieval.hits[0].passage.doc_id == "juminhyo-fee"


def test_a_new_topic_never_inherits_the_old_one():
    search = fake_search({"避難所どこ？": (["hinanjo"], 0.85, 0.95),
                          "住民票の写しはどこで 避難所どこ？": (["juminhyo"], 0.99, 0.99)})
    best, tried = choose(search, same, focus("避難所どこ？"), "住民票の写しはどこで", 0.8)
    assert best.label == "message" and len(tried) == 1  # confident alone: context not even tried


def test_a_rewrite_is_searched_as_it_is():
    search = fake_search({"手数料は？": (["fees"], 0.2, 0.4),
                          "住民票の写しの手数料は？": (["juminhyo-fee"], 0.9, 0.9)})
    best, _ = choose(search, same, focus("手数料は？"), "住民票の写しはどこで", 0.8,
                     rewrite=lambda q: "住民票の写しの手数料は？")
    assert best.label == "context" and best.query == "住民票の写しの手数料は？"


@pytest.mark.parametrize(("previous", "expected"), [
    ("粗大ごみはどうやって出せばよいですか", "T-GOMI-001"),
    ("住民票の写しはどこで取れますか", "T-SHIMIN-001"),
])
def test_the_topic_ranks_a_follow_up_within_the_conversation(pipeline, previous, expected):
    strict = replace(pipeline.thresholds, answer=1.0)  # the follow-up cannot stand alone
    reply = replace(pipeline, thresholds=strict).answer("手数料はいくら？", previous=previous)
    understand = next(s for s in reply.trace["steps"] if s["step"] == "understand")
    assert understand["chosen"] == "context"
    assert understand["readings"][-1]["top"] == expected


def test_a_new_topic_that_names_itself_is_not_pulled_back(pipeline):
    strict = replace(pipeline.thresholds, answer=1.0)
    alone = replace(pipeline, thresholds=strict).answer("粗大ごみはどうやって出せばよいですか")
    after = replace(pipeline, thresholds=strict).answer(
        "粗大ごみはどうやって出せばよいですか", previous="住民票の写しはどこで取れますか")
    assert after.candidates[0].doc_id == alone.candidates[0].doc_id == "T-GOMI-001"


def test_the_question_sentence_wins_when_the_evidence_says_so():
    text = "先月引っ越してきました。ごみの収集日はいつですか？"
    search = fake_search({text: (["gomi", "tennyu"], 0.5, 0.6),
                          "ごみの収集日はいつですか？": (["gomi"], 0.9, 0.9)})
    best, _ = choose(search, same, focus(text), "", 0.8)
    assert best.label == "question" and best.retrieval.hits[0].passage.doc_id == "gomi"


def test_the_whole_message_is_kept_when_its_question_alone_finds_another_passage():
    text = "家の水道代、いつもは4千円なのに今月は1万円を超えてました。何が考えられますか。"
    f = focus(text)
    assert f.changed and "水道代" not in f.question
    search = fake_search({text: (["water-bill"], 0.3, 0.5),
                          f.question: (["resident-tax"], 0.5, 0.6)})
    best, tried = choose(search, same, f, "", 0.8)
    assert best.label == "message" and [r.label for r in tried] == ["message", "question"]


def test_two_topics_only_when_each_stands_and_they_differ():
    text = "住民票の手数料はいくら？あと印鑑登録はどこでできますか"
    f = focus(text)
    apart = fake_search({f.parts[0]: (["fee", "a"], 0.9, 0.9),
                         f.parts[1]: (["inkan", "b"], 0.9, 0.9)})
    assert [p.retrieval.hits[0].passage.doc_id
            for p in two_topics(apart, same, f, 0.5, 0.8)] == ["fee", "inkan"]
    together = fake_search({f.parts[0]: (["fee", "a"], 0.9, 0.9),
                            f.parts[1]: (["a", "fee"], 0.9, 0.9)})
    assert two_topics(together, same, f, 0.5, 0.8) == []
    weak = fake_search({f.parts[0]: (["fee"], 0.9, 0.9), f.parts[1]: (["inkan"], 0.1, 0.2)})
    assert two_topics(weak, same, f, 0.5, 0.8) == []


def test_a_second_question_that_needs_the_first_borrows_its_topic():
    text = "粗大ごみの券はどこで売ってる？値段も知りたい"
    f = focus(text)
    assert f.parts == ["粗大ごみの券はどこで売ってる？", "値段も知りたい"]
    search = fake_search({f.parts[0]: (["ticket-shops", "sodai"], 0.6, 0.9),
                          f.parts[1]: (["bag-price", "fees"], 0.3, 0.5),
                          (f.parts[1], "ticket-shops"): (["ticket-price", "sodai"], 0.5, 0.8)})
    parts = two_topics(search, same, f, 0.5, 0.8)
    assert [p.retrieval.hits[0].passage.doc_id for p in parts] == ["ticket-shops",
                                                                    "ticket-price"]
    assert parts[1].topic is not None and parts[1].topic["top"] == "ticket-shops"
    # read within the first one's topic only when that is the stronger evidence
    weaker = fake_search({f.parts[0]: (["ticket-shops", "sodai"], 0.6, 0.9),
                          f.parts[1]: (["bag-price", "fees"], 0.3, 0.7),
                          (f.parts[1], "ticket-shops"): (["ticket-price"], 0.2, 0.6)})
    assert [p.retrieval.hits[0].passage.doc_id
            for p in two_topics(weaker, same, f, 0.5, 0.8)] == ["ticket-shops", "bag-price"]
    # answerable alone: its own reading stands
    alone = fake_search({f.parts[0]: (["ticket-shops"], 0.6, 0.9),
                         f.parts[1]: (["bag-price"], 0.95, 0.97),
                         (f.parts[1], "ticket-shops"): (["ticket-price"], 0.9, 0.99)})
    assert two_topics(alone, same, f, 0.5, 0.8)[1].topic is None


def test_a_sentence_joined_to_a_question_asks_one_too():
    assert focus("スプレー缶ってどう捨てる？それと蛍光灯も").parts == [
        "スプレー缶ってどう捨てる？", "蛍光灯も"]
    assert focus("それと蛍光灯も").parts == []  # nothing to join to
    assert focus("先月引っ越しました。ごみの日はいつ？").parts == []


def test_a_two_question_clarify_fills_its_choices_from_both_questions():
    from bot.pipeline.reading import read
    from bot.pipeline.run import _alternating

    search = fake_search({"本をまとめて借りたい": (["reserve", "group-loan", "card"], 0.4, 0.7),
                          "何冊まで？": (["how-many", "loan-period"], 0.4, 0.6)})
    parts = [read(search, "part", q) for q in ("本をまとめて借りたい", "何冊まで？")]
    chosen = [h.passage.doc_id for h in _alternating(parts, 0.8)][:3]
    assert chosen == ["reserve", "how-many", "group-loan"]  # was one choice per question


def test_a_follow_up_asking_two_things_keeps_the_conversations_topic():
    f = focus("値段は？窓口より安い？")
    assert f.parts == ["値段は？", "窓口より安い？"]
    table = {"住民票をコンビニで": (["konbini"], 0.9, 0.95),
             f.parts[0]: (["bag-price", "fees"], 0.3, 0.6),
             f.parts[1]: (["counter-hours", "x"], 0.3, 0.6),
             (f.parts[0], "konbini"): (["konbini-fee", "konbini"], 0.5, 0.8),
             (f.parts[1], "konbini-fee"): (["konbini-fee", "fees"], 0.5, 0.8)}
    search = fake_search(table)
    earlier, _ = search("住民票をコンビニで")
    # read on their own, the two sentences ask about two unrelated things ...
    assert [p.retrieval.hits[0].passage.doc_id
            for p in two_topics(search, same, f, 0.5, 0.8)] == ["bag-price", "counter-hours"]
    # ... within the conversation, they are one question about its topic
    assert two_topics(search, same, f, 0.5, 0.8, context=earlier) == []
    # as the message itself: the conversation is not read when it is answerable alone
    table[f.parts[0]] = (["bag-price", "fees"], 0.9, 0.95)
    assert [p.retrieval.hits[0].passage.doc_id
            for p in two_topics(search, same, f, 0.5, 0.8, context=earlier)] == [
        "bag-price", "counter-hours"]


def test_a_contextual_reading_keeps_the_retrieval_it_was_read_within():
    search = fake_search({"手数料は？": (["fees"], 0.2, 0.4),
                          "住民票の写しはどこで": (["juminhyo"], 0.9, 0.95),
                          ("手数料は？", "juminhyo"): (["juminhyo-fee"], 0.6, 0.9)})
    best, _ = choose(search, same, focus("手数料は？"), "住民票の写しはどこで", 0.8)
    assert best.within is not None and best.within.hits[0].passage.doc_id == "juminhyo"


def test_a_person_only_when_no_reading_offers_likely_choices():
    text = "家の水道代、いつもは4千円なのに今月は1万円を超えてました。何が考えられますか。"
    f = focus(text)
    search = fake_search({text: (["water-bill"], 0.2, 0.3),
                          f.question: (["resident-tax"], 0.4, 0.6)})
    best, _ = choose(search, same, f, "", 0.8, clarify_at=0.5)
    assert best.label == "question"  # the message alone would be handed off
    best, _ = choose(search, same, f, "", 0.8, clarify_at=0.25)
    assert best.label == "message"


def test_questions_that_are_the_whole_message_again_are_no_second_reading():
    # Two question sentences kept whole are joined with a space: the same words, so searching
    # them again would only be a second draw of the same evidence.
    f = focus("相続のことで弁護士に相談したい。市でやってる相談日っていつ？")
    assert len(f.parts) == 2 and f.question != f.text
    assert not f.changed
    assert focus("家の水道代が高いです。今月は何が考えられますか。").changed
