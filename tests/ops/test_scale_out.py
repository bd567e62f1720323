"""The compose topology, natively: a real Chroma server (`chroma run`), the PostgreSQL server,
Redis for the shared rate limits and two `madoguchi serve` replicas on one shared index
directory. Whatever replica takes a request, the resident, the staff and the index agree."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bench.chroma_server import chroma_run
from bench.load import Server
from bot.channels.line_fake import FakeLineApi
from bot.channels.line_sim import make_event, sign, webhook_body
from tests.conftest import MINI, fresh_pg_database
from tests.ops.test_routes import sample

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
PASSWORD = "correct-horse-battery"
LINE_SECRET, LINE_TOKEN = "scale-out-channel-secret-0123456", "scale-out-access-token"
LINE_USER = "U" + uuid.uuid4().hex
CHROMA = Path(sys.executable).with_name("chroma")


def wait_for(check, seconds: float = 60.0, every: float = 0.25):
    """Poll `check()` until it returns something truthy (bounded; no timing is asserted)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(every)


class Cluster:
    def __init__(self, replicas: list[Server], env: dict[str, str], index: Path,
                 corpus: Path, line: FakeLineApi) -> None:
        self.a, self.b = replicas
        self.env, self.index, self.corpus, self.line = env, index, corpus, line

    def line_conversation(self, user: str) -> str | None:
        from sqlalchemy import select

        from bot.store import repo
        from bot.store.db import Database
        from bot.store.models import Conversation

        db = Database(self.env["DATABASE_URL"])
        try:
            with db.session() as s:
                conv = s.scalars(select(Conversation)
                                 .where(Conversation.line_user_id == user)).first()
                if conv is None or repo.active_escalation(s, conv.id) is None:
                    return None
                return conv.id
        finally:
            db.engine.dispose()

    def escalation(self, conversation_id: str) -> int:
        from bot.store import repo
        from bot.store.db import Database

        db = Database(self.env["DATABASE_URL"])
        try:
            with db.session() as s:
                esc = repo.active_escalation(s, conversation_id)
                assert esc is not None
                return esc.id
        finally:
            db.engine.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, embedder):
    from bot.service.notifier import ChannelNotifier
    from bot.service.staff import StaffService
    from bot.store.db import Database
    from ingest.index import ingest
    from ingest.store import ChromaConfig

    if not CHROMA.exists():
        pytest.fail(f"the chromadb package's server is missing: {CHROMA}")
    root = tmp_path_factory.mktemp("scale-out")
    with (chroma_run(root / "chroma") as port, fresh_pg_database("madoguchi_scaleout") as url,
          FakeLineApi(access_token=LINE_TOKEN) as line):
        prefix = f"so{uuid.uuid4().hex[:8]}"
        env = {"MADOGUCHI_CHROMA__HOST": "127.0.0.1", "MADOGUCHI_CHROMA__PORT": str(port),
               "MADOGUCHI_CHROMA__COLLECTION_PREFIX": prefix,
               "MADOGUCHI_LIMITS__REDIS_URL": "redis://127.0.0.1:6379/15",
               "MADOGUCHI_LIMITS__REDIS_PREFIX": f"{prefix}:",
               "MADOGUCHI_STAFF__EVENTS_INTERVAL_SECONDS": "0.3",
               "MADOGUCHI_SERVER__LOG_FORMAT": "text",
               "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
               "MADOGUCHI_LINE__API_BASE": line.url}
        index, corpus = root / "index", root / "corpus"
        shutil.copytree(MINI, corpus)
        ingest([corpus], index, embedder, ChromaConfig("127.0.0.1", port, prefix),
               progress=False)
        assert not list(index.glob("generations/*/chroma"))  # vectors live on the server
        replicas = [Server(index=index, database_url=url, workers=1, data_dir=root / "data",
                           settings=env) for _ in range(2)]
        starting = [threading.Thread(target=r.start, args=(root / f"replica-{i}.log",))
                    for i, r in enumerate(replicas)]
        for t in starting:
            t.start()
        for t in starting:
            t.join()
        try:
            assert all(r.proc and r.proc.poll() is None for r in replicas)
            db = Database(url)
            staff = StaffService(ChannelNotifier({}), 5, 15)
            with db.session() as s:
                staff.add(s, "suzuki", PASSWORD, "staff", "生活環境課")
                staff.add(s, "tanaka", PASSWORD, "staff", "市民課")
            db.engine.dispose()
            yield Cluster(replicas, {**env, "DATABASE_URL": url}, index, corpus, line)
        finally:
            for r in replicas:
                r.stop()


def ask(base: str, message: str, conversation: dict | None = None) -> dict:
    body: dict = {"message": message}
    headers = {}
    if conversation:
        body["conversation_id"] = conversation["conversation_id"]
        headers["X-Conversation-Token"] = conversation["token"]
    r = httpx.post(f"{base}/api/chat", json=body, headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    return {**r.json(), "token": (conversation or {}).get("token") or r.json()["token"]}


def thread(base: str, conversation: dict) -> list[dict]:
    r = httpx.get(f"{base}/api/conversations/{conversation['conversation_id']}", timeout=30,
                  headers={"X-Conversation-Token": conversation["token"]})
    assert r.status_code == 200, r.text
    return r.json()["messages"]


def staff_login(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/staff/login").text).group(1)
    r = c.post("/staff/login", data={"name": name, "password": PASSWORD, "csrf": token})
    assert r.status_code == 303, r.text
    return c


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_a_conversation_continues_across_replicas(cluster):
    first = ask(cluster.a.base, "粗大ごみの出し方を教えてください")
    second = ask(cluster.b.base, "料金はいくらですか", first)
    assert second["conversation_id"] == first["conversation_id"]
    on_a = thread(cluster.a.base, first)
    assert [m["role"] for m in on_a] == ["resident", "bot", "resident", "bot"]
    assert on_a == thread(cluster.b.base, first)


def test_a_handoff_taken_on_one_is_answered_from_the_other(cluster):
    suzuki_a = staff_login(cluster.a.base, "suzuki")
    suzuki_b = staff_login(cluster.b.base, "suzuki")
    changes: list[str] = []

    def listen() -> None:  # the console's live updates, served by replica B
        with suzuki_b.stream("GET", "/staff/events", timeout=60) as stream:
            for line in stream.iter_lines():
                if line.startswith("event: change"):
                    changes.append(line)
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(1.0)  # the stream has read its first version
    resident = ask(cluster.a.base, "粗大ごみのことで職員と話したい")
    assert resident["handoff_status"] == "open"
    listener.join(30)
    assert changes, "replica B's live updates missed a handoff made on replica A"
    esc = cluster.escalation(resident["conversation_id"])
    page = suzuki_a.get(f"/staff/escalations/{esc}")
    assert suzuki_a.post(f"/staff/escalations/{esc}/assign",
                         data={"csrf": csrf(page)}).status_code == 303
    for replica in (cluster.a, cluster.b):  # the shared queue, whoever is scraped
        metrics = httpx.get(f"{replica.base}/metrics").text
        assert sample(metrics, "madoguchi_handoffs_waiting", status="assigned") >= 1
    text = "粗大ごみは受付センター 0199-25-5310 へお電話ください。"
    page_b = suzuki_b.get(f"/staff/escalations/{esc}")
    r = suzuki_b.post(f"/staff/escalations/{esc}/reply", data={"csrf": csrf(page_b),
                                                               "text": text})
    assert r.status_code == 303, r.text
    messages = thread(cluster.a.base, resident)
    assert messages[-1]["role"] == "staff" and messages[-1]["text"] == text


def test_a_line_handoff_answered_on_the_other_replica_is_pushed(cluster):
    body = webhook_body([make_event("text", user=LINE_USER, text="職員と話したい")])
    r = httpx.post(f"{cluster.a.base}/line/webhook", content=body, timeout=30,
                   headers={"Content-Type": "application/json",
                            "X-Line-Signature": sign(body, LINE_SECRET)})
    assert r.status_code == 200, r.text
    conversation = wait_for(lambda: cluster.line_conversation(LINE_USER), 60)
    assert conversation, "the LINE message did not reach the staff queue"
    esc = cluster.escalation(conversation)
    on_a, on_b = staff_login(cluster.a.base, "tanaka"), staff_login(cluster.b.base, "tanaka")
    on_a.post(f"/staff/escalations/{esc}/assign",
              data={"csrf": csrf(on_a.get(f"/staff/escalations/{esc}"))})
    text = "担当の田中です。ご用件をお聞かせください。"
    r = on_b.post(f"/staff/escalations/{esc}/reply",
                  data={"csrf": csrf(on_b.get(f"/staff/escalations/{esc}")), "text": text})
    assert r.status_code == 303, r.text

    def pushed() -> bool:
        return any(c.body.get("to") == LINE_USER and text in json.dumps(c.body,
                                                                          ensure_ascii=False)
                   for c in cluster.line.pushes)

    assert wait_for(pushed, 30), "replica B's staff reply was not pushed to the LINE user"


def test_an_faq_approved_on_one_is_answered_by_the_other(cluster):
    suzuki = staff_login(cluster.a.base, "suzuki")
    tanaka = staff_login(cluster.b.base, "tanaka")
    answer = "ペット用の大型ケージは粗大ごみとして出せます。処理券は1,000円です。"
    new = suzuki.get("/staff/faq/new")
    r = suzuki.post("/staff/faq/new", data={
        "csrf": csrf(new), "question": "ペットの大型ケージは粗大ごみで出せますか",
        "answer": answer, "category": "ごみ・リサイクル", "department": "生活環境課",
        "contact": "0199-25-5310", "variants": "", "action": "submit"})
    assert r.status_code == 303, r.text
    candidate = r.headers["location"].split("?")[0].rsplit("/", 1)[-1]
    r = tanaka.post(f"/staff/faq/{candidate}/approve",
                    data={"csrf": csrf(tanaka.get("/staff/faq"))})
    assert r.status_code == 303, r.text

    def answered_on_a() -> dict | None:
        reply = ask(cluster.a.base, "ペットの大型ケージは粗大ごみで出せる？")
        top = (reply["citations"] or reply["choices"] or [{}])[0].get("doc_id")
        return reply if top == "STAFF-FAQ-0001" else None

    assert wait_for(answered_on_a, 10), "replica A did not switch to the published FAQ"


def test_an_ingest_while_both_serve_switches_both_without_a_failed_request(cluster):
    corpus = cluster.corpus
    (corpus / "faq" / "extra.csv").write_text(
        "ID,分類,質問,回答,担当課,電話番号\n"
        "EXTRA-1,ごみ,使い捨てカイロは何ごみですか,使い捨てカイロは燃やさないごみです。,"
        "生活環境課,0199-25-5310\n", encoding="utf-8")
    before = httpx.get(f"{cluster.a.base}/readyz").json()["checks"]["index"]["generation"]
    statuses: list[int] = []
    done = threading.Event()

    def residents() -> None:
        n = 0
        while not done.is_set() and n < 400:
            base = (cluster.a, cluster.b)[n % 2].base
            statuses.append(httpx.post(f"{base}/api/chat", timeout=60,
                                       json={"message": "燃やすごみの収集日は？"}).status_code)
            n += 1

    load = threading.Thread(target=residents)
    load.start()
    try:
        out = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", str(corpus),
                              "--index", str(cluster.index), "--quiet", "--json"],
                             env={**os.environ, **cluster.env}, capture_output=True,
                             text=True, timeout=300)
        time.sleep(1.0)
    finally:
        done.set()
        load.join(120)
    report = json.loads(out.stdout)  # exit 2: the mini corpus holds a deliberately broken file
    assert report["swapped"] and report["added"] == [str(corpus / "faq" / "extra.csv")], out
    assert statuses and set(statuses) == {200}, statuses
    for replica in (cluster.a, cluster.b):
        ready = httpx.get(f"{replica.base}/readyz").json()
        assert ready["ready"] and ready["checks"]["chroma"]["ok"]
        assert ready["checks"]["index"]["generation"] != before
        reply = ask(replica.base, "使い捨てカイロは何ごみですか")
        assert (reply["citations"] or reply["choices"])[0]["doc_id"] == "EXTRA-1"
        # the approved FAQ survived the corpus ingest (a source outside its roots)
        kept = ask(replica.base, "ペットの大型ケージは粗大ごみで出せる？")
        assert (kept["citations"] or kept["choices"])[0]["doc_id"] == "STAFF-FAQ-0001"


def test_one_replica_killed_the_other_keeps_serving(cluster):
    started = ask(cluster.a.base, "住民票の写しはどこで取れますか")
    assert cluster.a.proc is not None
    os.killpg(cluster.a.proc.pid, signal.SIGKILL)
    cluster.a.proc.wait(30)
    follow = ask(cluster.b.base, "手数料はいくらですか", started)
    assert follow["conversation_id"] == started["conversation_id"]
    assert len(thread(cluster.b.base, started)) == 4
    assert httpx.get(f"{cluster.b.base}/readyz").status_code == 200
