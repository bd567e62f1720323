"""LINE in the resident's language: a message in another language is answered with its fixed
parts in that language, quick replies are labelled in it and carry it in their postbacks, so
the handoff and feedback replies keep it; the rich menu's 言語 / Language lists the languages."""

from bot.channels import line_format as fmt


def _labels(call):
    last = call.body["messages"][-1]
    return [i["action"]["label"] for i in (last.get("quickReply") or {}).get("items", [])]


def test_english_question_gets_english_fixed_parts_and_buttons(line):
    call = line.say("where can i get a copy of my residence certificate juminhyo")
    text = "\n".join(call.texts)
    assert "official information is in Japanese" in text
    assert "Talk to staff" in _labels(call)
    items = call.body["messages"][-1]["quickReply"]["items"]
    person = next(i for i in items if i["action"]["label"] == "Talk to staff")
    assert "lang=en" in person["action"]["data"]
    handoff = line.postback(person["action"]["data"])
    assert handoff.texts[0].startswith("Certainly. We will pass you to a staff member.")


def test_korean_person_request(line):
    call = line.say("직원과 상담하고 싶어요")
    assert call.texts[0].startswith("알겠습니다. 직원에게 연결해 드립니다.")


def test_japanese_stays_japanese(line):
    call = line.say("住民票の写しはどこで取れますか")
    assert "役に立った" in _labels(call) or "職員に相談" in _labels(call)
    assert "official" not in "\n".join(call.texts)


def test_language_menu_lists_every_language(line):
    call = line.postback("action=languages")
    text = "\n".join(call.texts)
    for name in ("English", "简体中文", "繁體中文", "한국어", "Tiếng Việt", "Português",
                 "Tagalog", "नेपाली", "やさしい日本語"):
        assert name in text


def test_postback_language_is_checked():
    assert fmt.parse_postback("action=handoff&lang=en").lang == "en"
    assert fmt.parse_postback("action=handoff&lang=xx").lang == "ja"
    assert fmt.parse_postback("action=languages").action == "languages"
