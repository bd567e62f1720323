"""/healthz, /readyz (index, database, Chroma server when configured) and /metrics."""

import re
import socket

from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition text (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_healthz_and_readyz(app_factory):
    client = TestClient(app_factory())
    health = client.get("/healthz").json()
    assert health["ok"] and health["passages"] > 0
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"index", "database"}
    assert checks["index"]["ok"] and checks["index"]["passages"] == health["passages"]
    assert checks["database"]["ok"]


def test_readyz_fails_without_database(app_factory, cut_database):
    app = app_factory()
    cut_database(app)
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503
    database = r.json()["checks"]["database"]
    assert database["ok"] is False and database["error"] == "OperationalError"
    assert database["reason"].startswith("データベースに接続できません: ")
    assert "Connection refused" in database["reason"]  # the driver's one line: host, port, why
    assert r.json()["checks"]["index"]["ok"]
    assert TestClient(app).get("/healthz").status_code == 200  # the process still answers


def test_readyz_fails_without_index(app_factory, tmp_path):
    app = app_factory()
    (app.state.services.components.retriever.index.index_dir / "CURRENT").unlink()
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503
    index = r.json()["checks"]["index"]
    assert index["ok"] is False and index["error"] == "FileNotFoundError"
    assert index["reason"].startswith("索引を開けません: 索引がありません")


def test_readyz_checks_the_configured_chroma_server(app_factory):
    app = app_factory()
    chroma = app.state.services.settings.chroma
    chroma.host, chroma.port = "127.0.0.1", free_port()  # nothing listens there
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503
    assert set(r.json()["checks"]) == {"index", "database", "chroma"}
    assert not r.json()["checks"]["chroma"]["ok"]


def test_metrics_by_route_template_decision_and_waiting_handoffs(app_factory):
    client = TestClient(app_factory())
    first = client.post("/api/chat", json={"message": "燃やすごみの収集日はいつですか"}).json()
    cid = first["conversation_id"]
    auth = {"X-Conversation-Token": first["token"]}
    client.get(f"/api/conversations/{cid}", headers=auth)
    client.post(f"/api/conversations/{cid}/handoff", headers=auth)
    client.get("/no/such/page")
    text = client.get("/metrics").text
    assert sample(text, "madoguchi_http_requests_total", method="POST", route="/api/chat",
                  status="200") == 1
    assert sample(text, "madoguchi_http_requests_total", method="GET",
                  route="/api/conversations/{conversation_id}", status="200") == 1
    assert sample(text, "madoguchi_http_requests_total", route="unmatched", status="404") == 1
    assert sample(text, "madoguchi_http_request_duration_seconds_count", method="POST",
                  route="/api/chat") == 1
    assert cid not in text  # ids never become labels
    assert sample(text, "madoguchi_answers_total", channel="web",
                  decision=first["decision"], outcome=first["outcome"]) >= 1
    assert sample(text, "madoguchi_answers_total", channel="web", decision="handoff",
                  outcome="handoff_requested") == 1
    assert sample(text, "madoguchi_handoffs_waiting", status="open") == 1
    assert sample(text, "madoguchi_index_passages") > 0


def test_metrics_count_llm_fallbacks(mini_index, embedder, tmp_path):
    from bot import factory
    from bot.app import create_app
    from bot.settings import Settings
    from bot.store.db import Database

    settings = Settings(index_dir=mini_index, data_dir=tmp_path / "data",
                        database_url=f"sqlite:///{tmp_path}/app.db")
    model = GenericFakeChatModel(messages=iter([AIMessage("手数料は500円です[1]。")]))
    app = create_app(settings, db=Database(settings.database_url),
                     components=factory.build(settings, embedder=embedder, chat_model=model))
    client = TestClient(app)
    reply = client.post("/api/chat", json={"message": "住民票の写しの手数料はいくらですか"})
    assert reply.json()["fallback_reason"] == "unsupported_fact"
    text = client.get("/metrics").text
    assert sample(text, "madoguchi_llm_fallbacks_total", reason="unsupported_fact") == 1


def test_metrics_report_the_last_ingest(app_factory):
    from bot.ops.metrics import record_ingest

    app = app_factory()
    index = app.state.services.components.retriever.index
    record_ingest(index.index_dir, "g-test", 12.5, 40, True)
    text = TestClient(app).get("/metrics").text
    assert sample(text, "madoguchi_ingest_last_duration_seconds", generation="g-test") == 12.5
    assert sample(text, "madoguchi_ingest_last_finished_timestamp_seconds") > 0
