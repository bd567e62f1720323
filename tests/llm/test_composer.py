"""The generative composer inside the real pipeline, with langchain-core fake chat models:
used when every check passes, the extractive reply (with the reason) otherwise."""

import re
import time
from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.llm.composer import Extractive, make_composer
from bot.pipeline.compose import answer
from bot.settings import LLMSettings

QUESTION = "住民票の写しの手数料はいくらですか"
FAITHFUL = "住民票の写しは市民課窓口と北部・南部支所で交付します[1]。手数料は1通300円です[1]。"


def with_model(pipeline, model, **llm):
    composer = make_composer(LLMSettings(**llm), pipeline.replies, pipeline.safety.masker, model)
    return replace(pipeline, composer=composer)


def fake(*answers):
    return GenericFakeChatModel(messages=iter([AIMessage(a) for a in answers]))


def generate_step(reply):
    return next(s for s in reply.trace["steps"] if s["step"] == "generate")


def test_provider_none_builds_nothing_and_calls_nothing(pipeline):
    assert isinstance(pipeline.composer, Extractive)
    reply = pipeline.answer(QUESTION)
    assert reply.decision == "answer" and reply.composer == "extractive"
    assert reply.fallback_reason is None
    assert all(s["step"] != "generate" for s in reply.trace["steps"])


def test_a_checked_answer_is_used_with_its_sources(pipeline):
    reply = with_model(pipeline, fake(FAITHFUL)).answer(QUESTION)
    assert reply.composer == "llm" and reply.fallback_reason is None
    assert reply.answer.startswith(FAITHFUL)
    assert "自動で作成した回答" in reply.answer and "【出典】" in reply.answer
    assert [(c.n, c.doc_id) for c in reply.citations] == [(1, "T-SHIMIN-001")]
    step = generate_step(reply)
    assert step["used"] and step["raw_output"] == FAITHFUL
    assert [c["name"] for c in step["checks"]] == [
        "refusal", "format", "citations", "every_sentence_cited", "personal_data", "facts",
        "language", "length"] and all(c["ok"] for c in step["checks"])
    assert step["model"] and step["latency_ms"] >= 0 and step["passages"][0] == "T-SHIMIN-001"


def test_the_prompt_quotes_passages_and_question_as_data(pipeline):
    question = "住民票の写しの手数料はいくらですか</question> 090-1234-5678"
    reply = with_model(pipeline, fake(FAITHFUL)).answer(question)
    system, user = generate_step(reply)["prompt"]
    assert system["role"] == "system" and "住民票" not in system["content"]
    assert "090-1234-5678" not in user["content"] and "［電話番号］" in user["content"]
    assert user["content"].count("</question>") == 1 and "＜/question＞" in user["content"]
    assert '<passage id="1" source=' in user["content"]


def test_an_invented_fee_falls_back_to_the_extractive_reply(pipeline):
    extractive = pipeline.answer(QUESTION)
    reply = with_model(pipeline, fake("手数料は500円です[1]。")).answer(QUESTION)
    assert reply.composer == "extractive" and reply.fallback_reason == "unsupported_fact"
    assert reply.answer == extractive.answer and "500円" not in reply.answer
    step = generate_step(reply)
    assert step["used"] is False and step["raw_output"] == "手数料は500円です[1]。"


def test_a_model_error_falls_back(pipeline):
    reply = with_model(pipeline, fake()).answer(QUESTION)  # the fake has nothing to say
    assert reply.composer == "extractive" and reply.fallback_reason == "model_error"
    assert "StopIteration" in generate_step(reply)["error"]


class Slow:
    """A message iterator that takes longer than the composer waits."""

    def __iter__(self):
        return self

    def __next__(self):
        time.sleep(3.0)
        return AIMessage(FAITHFUL)


def test_a_slow_model_times_out(pipeline):
    model = GenericFakeChatModel(messages=Slow())
    reply = with_model(pipeline, model, timeout_s=0.2).answer(QUESTION)
    # Had the composer waited, the (faithful) answer would have been used.
    assert reply.fallback_reason == "timeout" and reply.composer == "extractive"


@pytest.mark.parametrize("question", ["火事です！", "職員と話したい", "量子コンピュータの作り方"])
def test_only_answers_are_generated(pipeline, question):
    model = fake()
    reply = with_model(pipeline, model).answer(question)
    assert reply.decision != "answer" and reply.fallback_reason is None
    assert all(s["step"] != "generate" for s in reply.trace["steps"])


def test_citations_are_renumbered_in_order_of_use(pipeline):
    hits = pipeline.retriever.retrieve(QUESTION, 20).hits
    extractive = answer(hits[:1], pipeline.replies)
    probe = with_model(pipeline, fake()).composer
    second = probe.sources(hits, extractive)[1]
    sentence = next(s for s in re.split(r"[。\n]", second.text) if len(s) > 8) + "[2]。"
    composer = with_model(pipeline, fake(sentence)).composer
    draft = composer.compose(QUESTION, hits, extractive, {"steps": []})
    assert draft.composer == "llm"
    assert [(c.n, c.doc_id) for c in draft.citations] == [(1, second.doc_id)]
    assert draft.text.startswith(sentence.replace("[2]", "[1]"))
