"""Languages: the data files are complete and their placeholders valid, the language of a
message is recognised, a Japanese reply is said in the resident's language around the official
Japanese text, and the chat API and page use it."""

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.pipeline import compose
from bot.pipeline.outcome import Choice, Citation, Outcome, Reply
from bot.pipeline.replies import Replies
from bot.service.languages import CODES, Languages, detect, from_accept_language
from bot.settings import PACKAGE_DATA

LANG_DIR = PACKAGE_DATA / "lang"
CITY = {"city_name": "風見野市", "city_phone": "0199-21-1111"}


@pytest.fixture(scope="module")
def replies():
    return Replies.load(PACKAGE_DATA / "replies.toml")


@pytest.fixture(scope="module")
def languages(replies):
    return Languages.load(LANG_DIR, replies)


def test_every_language_has_every_text(languages):
    assert tuple(languages.table) == CODES
    ja = languages.get("ja")
    for lang in languages.table.values():
        assert set(lang.chrome) == set(ja.chrome), lang.code
        assert all(o.value in lang.replies for o in Outcome), lang.code
        assert len(lang.notice) == len(ja.notice), lang.code


def test_a_missing_text_or_broken_placeholder_fails_at_load(tmp_path: Path, replies):
    for path in LANG_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    en = tmp_path / "en.yaml"
    data = yaml.safe_load(en.read_text(encoding="utf-8"))
    del data["replies"]["busy"]
    en.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="replies.busy"):
        Languages.load(tmp_path, replies)
    data["replies"]["busy"] = "Call {cty_phone}"
    en.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="busy"):
        Languages.load(tmp_path, replies)


@pytest.mark.parametrize(("text", "lang"), [
    ("where can i get a copy of my juminhyo?", "en"),
    ("我的个人编号卡丢了，应该怎么办？", "zh-Hans"),
    ("住民票要去哪裡申請？", "zh-Hant"),
    # no function word: 我 makes it Chinese, 諮詢/員 traditional (the page's own request)
    ("我想諮詢工作人員", "zh-Hant"),
    ("我想咨询工作人员", "zh-Hans"),
    ("마이넘버카드를 잃어버렸어요", "ko"),
    ("Tôi muốn đăng ký con dấu", "vi"),
    ("Como posso pagar o imposto residencial?", "pt"),
    ("saan po pwede kumuha ng juminhyo", "tl"),
    ("माइ नम्बर कार्डको पासवर्ड बिर्सिएँ", "ne"),
    ("住民票の写しはどこで取れますか", "ja"),
    ("住民票 手数料", "ja"),
])
def test_detect(text, lang):
    assert detect(text) == lang


def test_choose_and_accept_language(languages):
    assert languages.choose("ja-easy", "ごみの日はいつ") == "ja-easy"
    assert languages.choose("en", "ごみの日はいつ") == "ja"  # typed Japanese: read Japanese
    assert languages.choose("en", "住民票") == "en"  # a bare term: the page's language
    assert languages.choose("ja", "where is the shelter") == "en"
    assert from_accept_language("zh-TW,zh;q=0.9") == "zh-Hant"
    assert from_accept_language("fil-PH, en") == "tl"
    assert from_accept_language("pt-BR") == "pt"
    assert from_accept_language("de-DE") is None


def _answered(replies):
    c = Citation(n=1, doc_id="KZ-1", title="t", locator="l", url="", department="市民課",
                 contact="0199-21-1111", source_type="faq")
    text = "\n".join([replies.text(Outcome.ANSWERED), "よくある質問「住民票は？」",
                      "市民課で取れます。[1]",
                      replies.fragment("sources_heading"), "[1] l",
                      "    " + replies.fragment("department_hint", department="市民課",
                                                contact="0199-21-1111")])
    return Reply(question="q", decision="answer", outcome=Outcome.ANSWERED, answer=text,
                 confidence=0.9, citations=[c])


def test_localised_answer_keeps_the_japanese_text(languages, replies):
    text = languages.localise(_answered(replies), "en", CITY)
    lines = text.split("\n")
    assert lines[0].startswith("Note: the city's official information is in Japanese")
    assert lines[1] == "Here is the city's information on your question:"
    assert "市民課で取れます。[1]" in lines and "[Sources]" in lines
    assert "    Contact: 市民課 (tel. 0199-21-1111)" in lines
    assert "interpreter" in lines[-1] and "0199-21-1111" in lines[-1]
    assert languages.localise(_answered(replies), "ja", CITY) == _answered(replies).answer


def test_easy_japanese_handoff(languages, replies):
    text = "\n".join([replies.text(Outcome.HANDOFF_REQUESTED),
                      replies.fragment("city_hint", **CITY)])
    reply = Reply(question="q", decision="handoff", outcome=Outcome.HANDOFF_REQUESTED,
                  answer=text, confidence=0.0)
    out = languages.localise(reply, "ja-easy", CITY).split("\n")
    assert out[0] == "わかりました。市の 人に つなぎます。"
    assert out[1] == "いそぐ ときは 風見野市の 電話（0199-21-1111）に 聞いて ください。"
    assert "通訳" in out[2]


@pytest.mark.parametrize("code", [c for c in CODES if c != "ja"])
def test_clarify_says_how_to_reach_a_person_in_each_language(languages, replies, code):
    """The way out under a clarify's choices (none fits → a person) is said in the reply's
    language and names the page's own 職員に相談 button."""
    choices = [Choice(doc_id=f"KZ-{i}", label=f"質問{i}") for i in (1, 2)]
    text = compose.clarify_text(choices, replies, replies.text(Outcome.CLARIFY))
    assert text.split("\n")[-1] == replies.fragment("clarify_none")
    reply = Reply(question="q", decision="clarify", outcome=Outcome.CLARIFY, answer=text,
                  confidence=0.4, choices=choices)
    lang = languages.get(code)
    out = languages.localise(reply, code, CITY).split("\n")
    assert lang.reply("clarify_none") in out and "1. 質問1" in out
    assert lang.chrome["person"] in lang.reply("clarify_none")


@pytest.fixture
def client(app_factory):
    return TestClient(app_factory())


def test_chat_answers_in_the_messages_language(client):
    r = client.post("/api/chat", json={"message": "I want to talk to a staff member please",
                                       "lang": "ja"})
    data = r.json()
    assert data["lang"] == "en"
    assert "staff" in data["answer"]
    r = client.post("/api/chat", json={"message": "住民票の写しはどこで取れますか", "lang": "ko"})
    assert r.json()["lang"] == "ja"


def test_handoff_button_in_the_page_language(client):
    data = client.post("/api/chat", json={"message": "住民票の写しはどこで取れますか"}).json()
    auth = {"X-Conversation-Token": data["token"]}
    r = client.post(f"/api/conversations/{data['conversation_id']}/handoff?lang=pt", headers=auth)
    assert r.json()["answer"].startswith("Certo. Vamos passar você para um funcionário.")


def test_thread_with_furigana(client):
    data = client.post("/api/chat", json={"message": "住民票の写しはどこで取れますか",
                                          "lang": "ja-easy"}).json()
    auth = {"X-Conversation-Token": data["token"]}
    thread = client.get(f"/api/conversations/{data['conversation_id']}?ruby=1",
                        headers=auth).json()
    bot = thread["messages"][1]
    assert ["住民票", "じゅうみんひょう"] in bot["ruby"]
    assert all(not reading or any("\u4e00" <= c <= "\u9fff" for c in text)
               for text, reading in bot["ruby"])


@pytest.mark.parametrize("code", CODES)
def test_page_chrome_in_each_language(client, languages, code):
    html = client.get(f"/?lang={code}").text
    lang = languages.get(code)
    assert f'data-lang="{code}"' in html
    assert lang.chrome["ask_label"] in html and lang.chrome["person"] in html
    assert client.cookies.get("madoguchi_lang") == code


def test_page_follows_the_browser_then_the_remembered_choice(app_factory):
    fresh = TestClient(app_factory())
    html = fresh.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).text
    assert 'data-lang="ko"' in html
    fresh.get("/?lang=vi")
    assert 'data-lang="vi"' in fresh.get("/", headers={"Accept-Language": "ko"}).text
