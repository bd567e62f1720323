"""Pure formatting: replies become LINE messages within LINE's limits."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from hypothesis import given
from hypothesis import strategies as st

from bot.channels import line_format as fmt


def dump(messages) -> list[dict]:
    return [json.loads(m.to_json()) for m in messages]


def cite(n: int, **kw) -> dict:
    c = {"n": n, "doc_id": f"D{n}", "title": f"資料{n}", "locator": f"資料{n} 第{n}条",
         "url": f"https://city.example.jp/{n}.html", "department": "市民課",
         "contact": "0199-21-1201", "source_type": "ordinance"}
    c.update(kw)
    return c


def test_units_count_like_line():
    assert fmt.units("あいう") == 3
    assert fmt.units("🙂") == 2  # outside the BMP: a surrogate pair


def test_clip_keeps_within_the_limit_and_never_halves_an_emoji():
    assert fmt.clip("短い", 20) == "短い"
    clipped = fmt.clip("粗大ごみの出し方を教えてください、申込方法も", 10)
    assert fmt.units(clipped) <= 10 and clipped.endswith("…")
    emoji = fmt.clip("🙂" * 30, 20)
    assert fmt.units(emoji) <= 20 and emoji.encode("utf-16", "strict")


def test_split_prefers_paragraph_ends():
    para = "あ" * 3000
    parts = fmt.split_text(f"{para}\n\n{para}\n\n{para}")
    assert parts == [para, para, para]


@given(st.text(alphabet=st.sampled_from(list("あいう。、\n 🙂abc")), max_size=400),
       st.integers(min_value=4, max_value=60))
def test_split_never_exceeds_the_limit_and_loses_nothing(text, limit):
    parts = fmt.split_text(text, limit)
    assert all(p and fmt.units(p) <= limit for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == \
        text.replace("\n", "").replace(" ", "")


def test_fit_marks_what_was_cut():
    parts = ["あ" * 5000] * 8
    kept = fmt.fit(parts, 3)
    assert len(kept) == 3 and kept[-1].endswith(fmt.TRUNCATED)
    assert fmt.units(kept[-1]) <= fmt.MAX_TEXT


def test_answer_with_sources_and_quick_replies():
    out = fmt.Outgoing(body="回答です[1]", citations=[cite(1)], decision="answer",
                       outcome="answered", message_id=42)
    text, flex = dump(fmt.messages(out))
    assert text == {"type": "text", "text": "回答です[1]"}
    assert flex["type"] == "flex" and "[1] 資料1 第1条" in flex["altText"]
    actions = [i["action"] for i in flex["quickReply"]["items"]]
    assert [a["label"] for a in actions] == ["役に立った", "役に立たなかった", "職員に相談"]
    assert parse_qs(actions[0]["data"]) == {"action": ["feedback"], "message_id": ["42"],
                                            "helpful": ["1"]}
    assert fmt.parse_postback(actions[1]["data"]) == fmt.Postback("feedback", 42, False)
    assert fmt.parse_postback(actions[2]["data"]) == fmt.Postback("handoff")
    assert actions[2]["displayText"] == "職員に相談したい"


def test_sources_as_compact_text_when_flex_is_off():
    out = fmt.Outgoing(body="回答", citations=[cite(1)], decision="answer", message_id=1)
    _, sources = dump(fmt.messages(out, flex=False))
    assert sources["type"] == "text" and sources["text"].startswith("【出典】")
    assert "担当: 市民課（電話 0199-21-1201）" in sources["text"]


def test_bubble_links_only_web_pages_and_phones():
    bubble = json.loads(fmt.sources_bubble([cite(1), cite(2, url="reiki/koen.txt",
                                                           contact="内線なし")]).to_json())
    actions = [c["action"]["uri"] for c in bubble["contents"]["body"]["contents"]
               if c["type"] == "button"]
    assert actions == ["https://city.example.jp/1.html", "tel:0199211201"]


def test_many_sources_stay_within_limits():
    many = [cite(n, title="とても長い資料の題名" * 30) for n in range(1, 9)]
    flex = json.loads(fmt.sources_bubble(many).to_json())
    assert fmt.units(flex["altText"]) <= fmt.MAX_ALT_TEXT
    assert "ほか 3 件" in json.dumps(flex, ensure_ascii=False)
    assert len(json.dumps(flex["contents"], ensure_ascii=False).encode()) < 30_000


def test_notices_come_last_with_the_quick_replies():
    out = fmt.Outgoing(body="回答", citations=[cite(1)], notices=["個人情報を伏せました"],
                       decision="answer", message_id=3)
    msgs = dump(fmt.messages(out))
    assert [m["type"] for m in msgs] == ["text", "flex", "text"]
    assert msgs[-1]["text"] == "個人情報を伏せました" and "quickReply" in msgs[-1]
    assert "quickReply" not in msgs[1]


def test_long_answer_fills_at_most_five_messages():
    body = "\n\n".join(f"第{i}段落。" + "い" * 4000 for i in range(12))
    out = fmt.Outgoing(body=body, citations=[cite(1)], notices=["注意"], decision="answer",
                       message_id=1)
    msgs = dump(fmt.messages(out))
    assert len(msgs) == fmt.MAX_MESSAGES
    texts = [m["text"] for m in msgs if m["type"] == "text"]
    assert all(fmt.units(t) <= fmt.MAX_TEXT for t in texts)
    assert texts[2].endswith(fmt.TRUNCATED) and msgs[3]["type"] == "flex"


def test_clarify_with_many_choices_keeps_13_quick_replies():
    choices = [{"doc_id": f"D{i}", "label": f"候補{i}：粗大ごみの収集を申し込む方法を知りたい"}
               for i in range(20)]
    out = fmt.Outgoing(body="選んでください", choices=choices, decision="clarify")
    (msg,) = dump(fmt.messages(out))
    items = msg["quickReply"]["items"]
    assert len(items) == fmt.MAX_QUICK_REPLIES
    assert items[-1]["action"]["label"] == "職員に相談"
    first = items[0]["action"]
    assert first["type"] == "message" and fmt.units(first["label"]) <= fmt.MAX_LABEL
    assert first["text"] == choices[0]["label"]


def test_no_quick_replies_while_staff_handle_or_after_handoff():
    for decision in ("handoff", "emergency"):
        (msg,) = dump(fmt.messages(fmt.Outgoing(body="職員が対応します", decision=decision,
                                                message_id=5)))
        assert "quickReply" not in msg


def test_strip_sources():
    answer = "案内です。\n\n■ 見出し\n本文[1]\n\n【出典】\n[1] 見出し\n    https://x"
    assert fmt.strip_sources(answer, "【出典】") == "案内です。\n\n■ 見出し\n本文[1]"
    assert fmt.strip_sources("出典なし", "【出典】") == "出典なし"


def test_push_messages_say_who_wrote():
    (staff,) = dump(fmt.push_messages("staff", "受付センターへどうぞ"))
    assert staff["text"] == f"{fmt.STAFF_HEADING}\n受付センターへどうぞ"
    (system,) = dump(fmt.push_messages("system", "自動応答に戻ります"))
    assert system["text"] == "自動応答に戻ります"
    assert len(fmt.push_messages("staff", "あ" * 40_000)) == fmt.MAX_MESSAGES


def test_parse_postback_rejects_anything_else():
    for data in ("", "action=feedback", "action=feedback&message_id=1&helpful=2",
                 "action=feedback&message_id=-1&helpful=1", "action=rm", "%%%"):
        assert fmt.parse_postback(data) is None
