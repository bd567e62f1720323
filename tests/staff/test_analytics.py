"""ログ分析: date ranges in the city's zone, counts per day / hour / decision, cited sources,
unanswered topics grouped by meaning (masked, linked to the FAQ editor), 役に立たなかった,
languages, staff response times, department filter, SVG without any CDN, CSV of every table."""

import csv
import io
import re
from datetime import date, datetime
from urllib.parse import unquote

import numpy as np
import pytest
from fastapi.testclient import TestClient

from bot.staff import analytics
from bot.staff.view import zone
from bot.store import repo
from tests.staff.conftest import csrf

DRONE = ["ドローンを飛ばす許可はどこで取れますか", "ドローンの飛行許可について知りたい",
         "ドローンを飛ばしてもいいですか"]
WEEDS = ["空き家の草が伸びて困っています", "隣の空き家の雑草がひどい"]


def test_period_parsing_and_local_day_bounds():
    today = date(2026, 11, 30)
    p = analytics.Period.parse("", "", "", today)
    assert (p.start, p.end) == (date(2026, 11, 1), today)
    lo, hi = analytics.Period.parse("2026-11-30", "2026-11-30", "", today).utc_bounds(
        zone("Asia/Tokyo"))
    assert (lo, hi) == (datetime(2026, 11, 29, 15), datetime(2026, 11, 30, 15))
    for bad in (("2026-13-01", ""), ("2026-11-30", "2026-11-01"), ("2024-01-01", "2026-01-01")):
        with pytest.raises(analytics.PeriodError):
            analytics.Period.parse(*bad, "", today)


def test_language_labels():
    assert analytics.language_of("住民票はどこ") == "日本語"
    assert analytics.language_of("Where is the city hall?") == "英語など（ラテン文字）"
    assert analytics.language_of("주민등록") == "韓国語"
    assert analytics.language_of("请问在哪里办理") == "中国語"


def test_topic_grouping_is_by_similarity_and_masks_examples():
    class Msg:
        def __init__(self, text, conv):
            self.text, self.conversation_id = text, conv

    vecs = {"a1": [1, 0], "a2": [0.9, 0.1], "b": [0, 1]}
    tools = analytics.Tools(
        zone("Asia/Tokyo"),
        lambda texts: np.array([np.array(vecs[t]) / np.linalg.norm(vecs[t]) for t in texts]),
        lambda text: text.upper())
    topics = analytics.group_topics([Msg("a1", "c1"), Msg("b", "c2"), Msg("a2", "c3")],
                                    {"c1": "X課", "c3": "X課"}, tools)
    assert [(t.label, t.count, t.department) for t in topics] == [("A1", 2, "X課"),
                                                                  ("B", 1, "")]
    assert topics[0].examples == ["A1", "A2"]


def _ask(app, text):
    c = TestClient(app, base_url="https://testserver")
    data = c.post("/api/chat", json={"message": text}).json()
    return c, data


def test_analytics_page_and_csv(app, login):
    for text in [*DRONE, *WEEDS, "住民票の写しはどこで取れますか",
                 "Where can I get a residence certificate?"]:
        _ask(app, text)
    c, data = _ask(app, "粗大ごみはどうやって出せばよいですか")
    auth = {"X-Conversation-Token": data["token"]}
    c.post(f"/api/conversations/{data['conversation_id']}/feedback", headers=auth,
           json={"message_id": data["message_id"], "helpful": False})
    # A staff reply, for the response-time table.
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0]
    suzuki = login("suzuki")
    token = csrf(suzuki.get(f"/staff/escalations/{esc.id}").text)
    suzuki.post(f"/staff/escalations/{esc.id}/reply", data={"csrf": token, "text": "回答です"})

    page = suzuki.get("/staff/analytics")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") >= 4 and 'role="img"' in html
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)  # no CDN
    # The drone questions form one topic with 3 questions, linked to a prefilled editor.
    topics = html.split('id="h-topics-list"')[1].split("</section>")[0]
    assert "（3 件" in topics and "ドローン" in topics
    link = re.search(r'href="(/staff/faq/new\?question=[^"]*ドローン[^"]*|/staff/faq/new\?'
                     r'question=%E3%83%89[^"]*)"', topics)
    assert link, topics
    editor = suzuki.get(link.group(1).replace("&amp;", "&"))
    assert editor.status_code == 200 and "ドローン" in unquote(editor.text)
    assert "役に立たなかった" in html and "英語など" in html

    daily = suzuki.get("/staff/analytics/daily.csv")
    assert daily.headers["content-type"].startswith("text/csv")
    assert daily.text.startswith("\ufeff日付,質問数")
    rows = list(csv.reader(io.StringIO(daily.text.lstrip("\ufeff"))))
    assert sum(int(r[1]) for r in rows[1:]) == 8
    for table in ("hourly", "decisions", "sources", "topics", "unhelpful", "languages",
                  "response"):
        r = suzuki.get(f"/staff/analytics/{table}.csv")
        assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    unhelpful = suzuki.get("/staff/analytics/unhelpful.csv").text
    assert "T-GOMI-001" in unhelpful
    response = list(csv.DictReader(io.StringIO(
        suzuki.get("/staff/analytics/response.csv").text.lstrip("\ufeff"))))
    assert sum(int(r["引き継ぎ"]) for r in response) == 5  # drone x3, weeds x2
    replied = [r for r in response if r["返信済み"] == "1"]
    assert len(replied) == 1 and float(replied[0]["中央値（分）"]) >= 0

    # A department filter narrows every table; bad input is a 4xx with a reason.
    narrowed = suzuki.get("/staff/analytics/daily.csv?department=生活環境課").text
    total = sum(int(r[1]) for r in list(csv.reader(io.StringIO(narrowed.lstrip("\ufeff"))))[1:])
    assert 0 < total < 8
    assert suzuki.get("/staff/analytics?from=2026-99-01").status_code == 400
    assert suzuki.get("/staff/analytics/nothing.csv").status_code == 404
    anonymous = TestClient(app, base_url="https://testserver")
    assert anonymous.get("/staff/analytics", follow_redirects=False).status_code == 303
