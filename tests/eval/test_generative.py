"""`madoguchi eval --composer llm`: extractive and generative side by side, groundedness
measured in code, and the LLM judge (tests/llm/openai_server.py plays model and judge)."""

import json

import pytest

from bot.llm.facts import NameFinder
from eval.cli import main
from eval.generative import groundedness, grounding
from ingest.schema import Passage, SourceType
from tests.eval.conftest import MINI_GOLD
from tests.llm.openai_server import FakeOpenAI

FEE = Passage("T-SHIMIN-001", SourceType.FAQ, "FAQ", "手数料は1通300円です。", question="手数料")


def test_groundedness_of_one_generated_answer():
    step = {"passages": ["T-SHIMIN-001"], "used": False, "fallback_reason": "unsupported_fact",
            "raw_output": "手数料は500円です[1]。窓口へどうぞ。詳しくは[3]。"}
    g = grounding(step, {"T-SHIMIN-001": FEE}, NameFinder())
    assert (g.citations, g.valid_citations, g.sentences, g.uncited) == (2, 1, 3, 1)
    assert g.unsupported == ["500円"]
    agg = groundedness([g])
    assert agg["citation_validity"] == 0.5 and agg["answers_with_unsupported_fact"] == 1.0
    assert grounding({"passages": [], "error": "timeout"}, {}, NameFinder()) is None


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI() as s:
        yield s


def run(tmp_path, mini_index, monkeypatch, embedder, server, model):
    monkeypatch.setattr("bot.factory.make_embedder", lambda name: embedder)
    for key, value in {"PROVIDER": "openai", "BASE_URL": server.base_url, "MODEL": model,
                       "JUDGE_MODEL": "judge"}.items():
        monkeypatch.setenv(f"MADOGUCHI_LLM__{key}", value)
    out = tmp_path / model
    assert main(["--gold", str(MINI_GOLD), "--split", "dev", "--index", str(mini_index),
                 "--composer", "llm", "--out", str(out), "--quiet"]) == 0
    return json.loads((out / "composers.json").read_text(encoding="utf-8")), out


def test_faithful_model_side_by_side(tmp_path, mini_index, monkeypatch, embedder, server, capsys):
    data, out = run(tmp_path, mini_index, monkeypatch, embedder, server, "faithful")
    ext, llm = data["columns"]["extractive"], data["columns"]["llm"]
    assert ext["answered"] == llm["answered"] > 0  # the composer never changes a decision
    g = data["groundedness"]
    assert g["generated"] == llm["answered"] and g["citation_validity"] == 1.0
    assert g["uncited_sentence_rate"] == 0.0 and g["answers_with_unsupported_fact"] == 0.0
    # The fake quotes Japanese passages; only a foreign-language question rejects that.
    assert set(data["fallback_reasons"]) <= {"(used)", "wrong_language"}
    assert data["fallback_reasons"]["(used)"] >= g["generated"] - 1
    assert ext["faithfulness"] == llm["faithfulness"] == 1.0 and llm["answer_relevance"] == 0.75
    assert "extractive" in capsys.readouterr().out
    assert "faithfulness" in (out / "composers.md").read_text(encoding="utf-8")
    llm_rows = [json.loads(line) for line in (out / "results-llm.jsonl").open(encoding="utf-8")]
    assert len(llm_rows) == data["n"]


def test_an_inventing_model_is_measured_and_never_shown(tmp_path, mini_index, monkeypatch,
                                                        embedder, server):
    data, out = run(tmp_path, mini_index, monkeypatch, embedder, server, "invent_fee")
    g = data["groundedness"]
    # 500円 is invented except where a cited passage really says 500円 (then it is used).
    assert g["answers_with_unsupported_fact"] >= 0.5 and "500円" in data["unsupported_examples"]
    assert all(bool(x["unsupported"]) != x["used"] for x in data["groundings"])
    assert set(data["fallback_reasons"]) <= {"(used)", "unsupported_fact"}
    rows = {c: [json.loads(line) for line in (out / f"results-{c}.jsonl").open(encoding="utf-8")]
            for c in ("extractive", "llm")}
    for llm, ext in zip(rows["llm"], rows["extractive"], strict=True):
        step = next((s for s in llm["trace"]["steps"] if s["step"] == "generate"), {})
        assert llm["answer"] == ext["answer"] or step["used"]


def test_composer_llm_needs_a_provider(mini_index, capsys, monkeypatch):
    monkeypatch.delenv("MADOGUCHI_LLM__PROVIDER", raising=False)
    assert main(["--gold", str(MINI_GOLD), "--index", str(mini_index), "--composer", "llm"]) == 64
    assert "MADOGUCHI_LLM__PROVIDER" in capsys.readouterr().err
