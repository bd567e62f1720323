"""Follow-ups rewritten into a standalone question by the model, checked against the masked
input (bot/llm/rewrite.py), and the pipeline searching with it."""

from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.llm.composer import make_composer
from bot.llm.prompt import Prompt
from bot.llm.rewrite import Rewriter
from bot.safety.pii import Masker
from bot.settings import LLMSettings
from ingest.text import Tokenizer

PREVIOUS = "住民票の写しの手数料はいくらですか"
FOLLOW_UP = "それはどこで取れますか"


def fake(*answers):
    return GenericFakeChatModel(messages=iter([AIMessage(a) for a in answers]))


@pytest.fixture(scope="module")
def parts():
    return Prompt.load(LLMSettings().prompt_path), Masker.load(), Tokenizer()


def rewriter(parts, *answers):
    prompt, masker, tokenizer = parts
    return Rewriter(fake(*answers), prompt, masker, tokenizer)


def test_a_rewrite_of_the_residents_own_words_is_used(parts):
    trace = {"steps": []}
    standalone = "住民票の写しはどこで取れますか"
    assert rewriter(parts, standalone).query(FOLLOW_UP, PREVIOUS, "kw", trace) == standalone
    step = trace["steps"][0]
    assert step["step"] == "rewrite" and step["used"] and step["fallback_query"] == "kw"
    system, user = step["prompt"]
    assert FOLLOW_UP not in system["content"] and FOLLOW_UP in user["content"]


@pytest.mark.parametrize(("rewrite", "problem"), [
    ("転出届はどこで出せますか", "入力にない語"),
    ("住民票の写しは 090-1234-5678 で取れますか", "個人情報"),
    ("", "空"),
])
def test_a_rewrite_that_adds_anything_is_not_used(parts, rewrite, problem):
    trace = {"steps": []}
    assert rewriter(parts, rewrite).query(FOLLOW_UP, PREVIOUS, "kw", trace) == "kw"
    assert not trace["steps"][0]["used"]
    assert any(problem in p for p in trace["steps"][0]["problems"])


def test_a_first_question_is_not_rewritten(parts):
    trace = {"steps": []}
    assert rewriter(parts).query(FOLLOW_UP, "", "kw", trace) == "kw" and trace["steps"] == []


def test_a_failing_model_keeps_the_keyword_query(parts):
    trace = {"steps": []}
    assert rewriter(parts).query(FOLLOW_UP, PREVIOUS, "kw", trace) == "kw"
    assert trace["steps"][0]["reason"] == "model_error"


def test_the_pipeline_searches_with_the_rewrite(pipeline):
    model = fake("住民票の写しはどこで取れますか", "住民票の写しは市民課で交付します[1]。")
    composer = make_composer(LLMSettings(rewrite_followups=True), pipeline.replies,
                             pipeline.safety.masker, model)
    strict = replace(pipeline.thresholds, answer=1.0)  # the follow-up cannot stand alone
    reply = replace(pipeline, composer=composer, thresholds=strict).answer(
        FOLLOW_UP, previous=PREVIOUS)
    understand = next(s for s in reply.trace["steps"] if s["step"] == "understand")
    context = next(r for r in understand["readings"] if r["label"] == "context")
    assert context["query"] == "住民票の写しはどこで取れますか"
    assert context["top"] == "T-SHIMIN-001"


def test_without_the_setting_nothing_is_rewritten(pipeline):
    composer = make_composer(LLMSettings(), pipeline.replies, pipeline.safety.masker, fake())
    reply = replace(pipeline, composer=composer).answer(FOLLOW_UP, previous=PREVIOUS)
    assert all(s["step"] != "rewrite" for s in reply.trace["steps"])
