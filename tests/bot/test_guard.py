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


def test_every_outcome_has_a_fixed_reply():
    replies = Replies.load(AnswerSettings().replies_path)
    assert all(replies.text(o) for o in Outcome)


def test_missing_reply_fails_at_load(tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[outcome.answered]\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="定型文がありません"):
        Replies.load(path)
