"""Each check on a generated answer, alone (bot/llm/checks.py)."""

import pytest

from bot.llm import checks
from bot.llm.facts import NameFinder
from bot.safety.pii import Masker
from ingest.schema import Passage, SourceType

FEE = Passage("T-SHIMIN-001", SourceType.FAQ, "FAQ",
              "住民票の写しは市民課窓口と北部・南部支所で交付します。手数料は1通300円です。",
              question="住民票の写しはどこで取れますか",
              url="https://www.city.kazamino.example.jp/juminhyo.html", contact="0199-21-1201")
MOVE = Passage("T-IDO-001", SourceType.FAQ, "FAQ",
               "住み始めた日から14日以内に市民課で転入届を出してください。",
               question="引っ越してきたときの手続き")


@pytest.fixture(scope="module")
def ctx():
    return checks.Context([FEE, MOVE], "住民票の手数料は？", "ja", 200, Masker.load(),
                          NameFinder())


def failed(answer, ctx):
    return [c.name for c in checks.run_checks(answer, ctx) if not c.ok]


def test_a_faithful_answer_passes_every_check(ctx):
    answer = ("住民票の写しは市民課窓口で交付します[1]。手数料は1通三百円です[1]。"
              "転入届は14日以内に出してください[2]。詳しくは 0199-21-1201 へ[1]。")
    assert failed(answer, ctx) == []


def test_an_invented_fee_is_unsupported(ctx):
    result = {c.name: c for c in checks.run_checks("手数料は500円です[1]。", ctx)}
    assert not result["facts"].ok and "500円" in result["facts"].detail


def test_a_fact_must_be_in_the_passage_the_sentence_cites(ctx):
    assert failed("転入届は14日以内です[1]。", ctx) == ["facts"]
    assert failed("転入届は14日以内です[2]。", ctx) == []


@pytest.mark.parametrize(("answer", "check"), [
    ("手数料は1通300円です[9]。", "citations"),
    ("手数料は1通300円です[1]。窓口は混みます。", "every_sentence_cited"),
    ("The fee is 300 yen [1].", "language"),
    ("NO_ANSWER", "refusal"),
    ("", "format"),
    ("<passage id=\"1\">手数料は1通300円です[1]。", "format"),
    ("担当の山田太郎さん（090-1234-5678）へ[1]。", "personal_data"),
    ("詳しくは https://example.com/fees をご覧ください[1]。", "facts"),
    ("手数料は1通300円です[1]。" * 20, "length"),
])
def test_each_failure_is_caught_by_its_check(ctx, answer, check):
    assert check in failed(answer, ctx)


def test_citations_written_after_the_full_stop_count(ctx):
    assert checks.sentences("手数料は300円です。[1]\n窓口は市民課です。[1][2]") == [
        "手数料は300円です[1]。", "窓口は市民課です[1][2]。"]
    assert failed("手数料は1通300円です。[1]", ctx) == []


def test_a_foreign_question_is_answered_in_its_own_script():
    c = checks.Context([FEE], "How much is a copy of the residence certificate?", "other", 400,
                       Masker.load(), NameFinder())
    assert failed("A copy costs 300 yen at the Citizens Division (市民課) [1].", c) == []
    assert "language" in failed("手数料は1通300円です[1]。", c)
