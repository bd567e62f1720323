"""Result rows: what a reply becomes, and the per-question metrics on it."""

from bot.pipeline.outcome import Choice, Citation, Outcome, Reply
from eval.gold import GoldItem
from eval.rows import question_metrics, result_row
from eval.runner import aggregate


def _citation(doc_id: str) -> Citation:
    return Citation(n=1, doc_id=doc_id, title="t", locator="l", url="", department="",
                    contact="", source_type="faq")


ITEM = GoldItem(id="p1", question="山田花子です。電話090-1234-5678。住民票はどこで？",
                relevant={"A": 2, "B": 1}, expect="answer", type="personal_data",
                pii=["山田花子"])


def test_a_reply_that_echoes_personal_data_is_flagged():
    reply = Reply(question=ITEM.question, decision="answer", outcome=Outcome.ANSWERED,
                  answer="山田花子さん（090-1234-5678）、住民票は市民課です[1]", confidence=0.9,
                  citations=[_citation("A")])
    row = result_row(ITEM, reply, 12.0)
    assert row.echoed_pii == ["090-1234-5678", "山田花子"]
    assert row.metrics["privacy_echo"] == 1.0 and row.metrics["answer_correct"] == 1.0
    assert aggregate([row])["privacy_echo_rate"] == 1.0


def test_question_metrics_of_a_wrong_answer_and_a_clarify():
    wrong = Reply(question="q", decision="answer", outcome=Outcome.ANSWERED, answer="x",
                  confidence=0.8, citations=[_citation("B")])
    row = result_row(ITEM, wrong, 1.0)
    assert row.metrics["answer_correct"] == 0.0 and row.metrics["citation_accuracy"] == 0.0
    assert row.metrics["clarify_resolved"] is None and row.metrics["success"] == 0.0
    clarify = row.model_copy(update={"decision": "clarify", "citations": [], "choices": ["B", "A"]})
    metrics = question_metrics(clarify)
    assert metrics["clarify_resolved"] == 1.0 and metrics["answer_correct"] is None


def test_a_message_asking_two_things_needs_a_passage_for_each():
    item = GoldItem(id="t1", question="粗大ごみの券はどこで売ってる？値段も知りたい",
                    relevant={"shops": 2, "price": 2}, expect="answer", type="two_questions",
                    topics=[["shops"], ["price", "price-page"]])
    one = Reply(question=item.question, decision="clarify", outcome=Outcome.CLARIFY,
                answer="x", confidence=0.5, choices=[Choice(doc_id="shops", label="a"),
                                                     Choice(doc_id="bags", label="b")])
    row = result_row(item, one, 1.0)
    assert row.metrics["resolved"] == 1.0 and row.metrics["topics_covered"] == 0.0
    both = one.model_copy(update={"choices": [Choice(doc_id="shops", label="a"),
                                              Choice(doc_id="price-page", label="c")]})
    assert result_row(item, both, 1.0).metrics["topics_covered"] == 1.0
    answered = Reply(question=item.question, decision="answer", outcome=Outcome.ANSWERED,
                     answer="x", confidence=0.9,
                     citations=[_citation("shops"), _citation("price")])
    assert result_row(item, answered, 1.0).metrics["topics_covered"] == 1.0
    assert aggregate([row, result_row(item, both, 1.0)])["topics_covered_rate"] == 0.5
    # a message asking one thing has no such metric
    assert result_row(ITEM, one, 1.0).metrics["topics_covered"] is None
