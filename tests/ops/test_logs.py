"""JSON log lines: request id in and out, route templates, no resident text, no exception
messages (a driver's message may quote a resident's words)."""

import json
import logging

from fastapi.testclient import TestClient

from bot.ops.logs import REQUEST_ID, JsonFormatter, config, request_id


def record(msg, *args, exc=None):
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_json_line_has_the_request_id_and_no_exception_message():
    REQUEST_ID.set("abc-123")
    resident_text = "山田花子 090-1234-5678"
    try:
        raise ValueError(resident_text)  # the stack shows code lines, never the values
    except ValueError as exc:
        line = JsonFormatter().format(record("failed on %s: %s", "/api/chat", exc, exc=exc))
    out = json.loads(line)
    assert out["request_id"] == "abc-123" and out["level"] == "ERROR"
    assert out["msg"] == "failed on /api/chat: ValueError"
    assert out["exc_type"] == "ValueError" and "test_logs.py" in out["stack"]
    assert "山田" not in line and "090" not in line


def test_request_ids_from_a_proxy_are_kept_only_when_well_formed():
    assert request_id(b"req-42.a") == "req-42.a"
    made = request_id(b"<script>")
    assert made != "<script>" and len(made) == 32
    assert len(request_id(None)) == 32


def test_access_line_per_request_without_personal_data(app_factory, caplog):
    client = TestClient(app_factory())
    with caplog.at_level(logging.INFO, logger="madoguchi.access"):
        r = client.post("/api/chat", headers={"X-Request-ID": "proxy-7"},
                        json={"message": "山田花子です。住民票の写しはどこで取れますか"})
        cid = r.json()["conversation_id"]
        other = client.get(f"/api/conversations/{cid}?after=0",
                           headers={"X-Conversation-Token": r.json()["token"]})
    assert r.headers["x-request-id"] == "proxy-7"
    assert len(other.headers["x-request-id"]) == 32
    lines = [JsonFormatter().format(rec) for rec in caplog.records
             if rec.name == "madoguchi.access"]
    parsed = [json.loads(line) for line in lines]
    assert [p["route"] for p in parsed] == ["/api/chat", "/api/conversations/{conversation_id}"]
    assert parsed[0]["status"] == 200 and parsed[0]["method"] == "POST"
    text = "\n".join(lines)
    assert "山田" not in text and cid not in text and "after=" not in text
    assert "testclient" not in text  # no client address


def test_uvicorn_config_routes_everything_through_the_formatter():
    cfg = config("json")
    assert cfg["formatters"]["default"]["()"].endswith("JsonFormatter")
    assert cfg["loggers"]["uvicorn.access"]["propagate"] is False
    assert config("text")["formatters"]["default"]["()"].endswith("TextFormatter")
