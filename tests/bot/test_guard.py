import pytest

from bot.pipeline.guard import Guard
from bot.pipeline.outcome import Outcome
from bot.pipeline.replies import Replies
from bot.settings import AnswerSettings

GUARD = Guard.load(AnswerSettings().guard_path)


@pytest.mark.parametrize("text", ["人に代わってください", "オペレーターにつないで",
                                  "can I talk to a person?"])
def test_person_requests(text):
    result = GUARD.check(text)
    assert result is not None and result.outcome is Outcome.HANDOFF_REQUESTED


@pytest.mark.parametrize("text", ["燃えるごみの日は？", "DVDの貸出", "火災保険の証明書は？",
                                  "人口は何人ですか", "火事です"])
def test_ordinary_questions_pass(text):
    assert GUARD.check(text) is None


@pytest.mark.parametrize("text", [
    "介護のことで込み入った相談なので、担当の方と直接話がしたいです",
    "詳しい人に直接聞きたいんですけど誰かいますか",
    "機械じゃ話にならん。責任者を出せ",
    "分かる職員の方に電話で聞きたいので番号を教えてください",
    "障害福祉課の担当さんと直接お話しできますか",
    "担当者　つないで",
    "にんげんのひととはなしたい",
    "窓口で人と話したいんじゃが",
    "役所の人と直接しゃべりたい",
    "職員さんと喋りたいです",
    "やっぱりここじゃなくて、図書館の人に直接聞きたい",
    "保健センターの方と電話で話せますか",
    "I'd like to speak with a staff member, not a bot.",
])
def test_person_requests_in_residents_words(text):
    """Someone on the staff side, then a way of reaching them, in any wording."""
    result = GUARD.check(text)
    assert result is not None and result.outcome is Outcome.HANDOFF_REQUESTED


@pytest.mark.parametrize("text", [
    "子供のしつけのことで誰かに相談したい",  # a consultation topic, answered from the corpus
    "市の職員のふりをした電話がかかってきました",  # 電話 is not 話
    "職員さんの意見を聞きたい",  # whose opinion, not whom to reach
    "担当者の名前を教えてください",
    "職員採用試験の日程はいつですか",
    "市役所の人に聞いたら分からないと言われました。住民票の郵送請求は？",
    "家を人に貸しているのですが固定資産税は誰が払いますか",
    "しゃべる人形は何ごみですか",
    "図書館の人が親切でした。本の返却ポストはどこですか",
])
def test_staff_words_that_are_not_requests(text):
    assert GUARD.check(text) is None


def test_every_outcome_has_a_fixed_reply():
    replies = Replies.load(AnswerSettings().replies_path)
    assert all(replies.text(o) for o in Outcome)


def test_missing_reply_fails_at_load(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[outcome.answered]\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="定型文がありません"):
        Replies.load(path)
