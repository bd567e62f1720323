"""Every fault case against a real OpenAI-compatible HTTP server (a local fake on a free port),
through `madoguchi ask` and `/api/chat`: what the resident receives."""

import json

import pytest
from fastapi.testclient import TestClient

from bot.cli import main
from bot.settings import LLMSettings
from tests.llm.openai_server import FakeOpenAI

QUESTION = "住民票の写しの手数料はいくらですか"
# model (= the server's behaviour) → the fallback reason; None = the generated answer is used.
CASES = {
    "faithful": None,
    "invent_fee": "unsupported_fact",
    "cite_missing": "invalid_citation",
    "uncited": "uncited_sentence",
    "wrong_language": "wrong_language",
    "refusal": "refusal",
    "personal": "personal_data",
    "malformed": "malformed_output",
    "error": "model_error",
    "hang": "timeout",
}


def timeout_for(model: str) -> float:
    """Short where the server hangs; generous elsewhere, so a loaded machine is no timeout."""
    return 0.5 if model == "hang" else 20.0


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(hang_s=3.0) as s:
        yield s


def llm_env(monkeypatch, server, model, embedder=None):
    if embedder is not None:  # the session's embedder: `main` would load its own each time
        monkeypatch.setattr("bot.factory.make_embedder", lambda name: embedder)
    for key, value in {"PROVIDER": "openai", "BASE_URL": server.base_url, "MODEL": model,
                       "TIMEOUT_S": str(timeout_for(model))}.items():
        monkeypatch.setenv(f"MADOGUCHI_LLM__{key}", value)


def ask_json(mini_index, capsys, *extra):
    assert main(["ask", QUESTION, "--index", str(mini_index), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def extractive_answer(pipeline):
    return pipeline.answer(QUESTION).answer


@pytest.mark.parametrize(("model", "reason"), CASES.items())
def test_ask(model, reason, server, mini_index, capsys, monkeypatch, extractive_answer,
             embedder):
    llm_env(monkeypatch, server, model, embedder)
    reply = ask_json(mini_index, capsys, "--trace")
    assert reply["decision"] == "answer"
    assert reply["fallback_reason"] == reason
    step = next(s for s in reply["trace"]["steps"] if s["step"] == "generate")
    assert step["model"] == model and step["prompt"][1]["content"].count("<passage ") >= 1
    if reason is None:
        assert reply["composer"] == "llm" and reply["answer"] != extractive_answer
        assert reply["answer"].startswith("住民票の写しは")
        assert "手数料は1通300円です[1]。" in reply["answer"]
        assert [c["doc_id"] for c in reply["citations"]] == ["T-SHIMIN-001"]
        assert step["tokens"]["total_tokens"] > 0 and step["used"]
    else:
        assert reply["composer"] == "extractive" and reply["answer"] == extractive_answer
        assert step["used"] is False and step["fallback_reason"] == reason
    assert "500円" not in reply["answer"] and "山田" not in reply["answer"]


def test_batch_contract_gains_composer_and_fallback_reason(server, mini_index, tmp_path, capsys,
                                                           monkeypatch, embedder):
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "q1", "question": QUESTION}, ensure_ascii=False) + "\n"
                     + '{"id": "q2", "question": "火事です！"}\n', encoding="utf-8")
    llm_env(monkeypatch, server, "invent_fee", embedder)
    assert main(["ask", "--batch", str(batch), "--index", str(mini_index)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["composer"] == "extractive" and rows[0]["fallback_reason"] == "unsupported_fact"
    assert rows[1]["composer"] == "extractive" and "fallback_reason" not in rows[1]
    monkeypatch.setenv("MADOGUCHI_LLM__MODEL", "faithful")
    assert main(["ask", "--batch", str(batch), "--index", str(mini_index)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["composer"] == "llm" and "fallback_reason" not in rows[0]


@pytest.fixture(scope="module")
def clients(server, mini_index, embedder, tmp_path_factory):
    """One app per behaviour, built lazily."""
    from bot import factory
    from bot.app import create_app
    from bot.settings import Settings
    from bot.store.db import Database

    made, dbs = {}, []

    def client(model: str) -> TestClient:
        if model not in made:
            tmp = tmp_path_factory.mktemp(f"api-{model}")
            settings = Settings(index_dir=mini_index, data_dir=tmp / "data",
                                database_url=f"sqlite:///{tmp}/app.db",
                                llm=LLMSettings(provider="openai", base_url=server.base_url,
                                                model=model, timeout_s=timeout_for(model)))
            db = Database(settings.database_url)
            dbs.append(db)
            made[model] = TestClient(create_app(
                settings, components=factory.build(settings, embedder=embedder), db=db))
        return made[model]

    yield client
    for db in dbs:
        db.engine.dispose()


@pytest.mark.parametrize(("model", "reason"), CASES.items())
def test_api_chat(model, reason, clients, extractive_answer):
    r = clients(model).post("/api/chat", json={"message": QUESTION})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["decision"] == "answer" and data["fallback_reason"] == reason
    assert data["composer"] == ("llm" if reason is None else "extractive")
    if reason is not None:
        assert data["answer"] == extractive_answer
    assert "500円" not in data["answer"]


def sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


@pytest.mark.parametrize(("model", "composer"), [("faithful", "llm"),
                                                 ("invent_fee", "extractive")])
def test_stream_sends_only_checked_text(model, composer, clients):
    r = clients(model).post("/api/chat/stream", json={"message": QUESTION})
    assert r.status_code == 200
    events = sse(r.text)
    streamed = "".join(d["text"] for e, d in events if e == "delta")
    done = events[-1][1]
    assert streamed == done["answer"] and done["composer"] == composer
    assert "500円" not in streamed
