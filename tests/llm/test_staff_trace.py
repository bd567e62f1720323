"""The staff console shows the generative step of a turn: model, tokens, latency, each check,
the raw output and the prompt with its passages."""

from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.store import repo
from tests.staff.test_console import PASSWORD, login

QUESTION = "住民票の写しの手数料はいくらですか"


def app_with(model, mini_index, embedder, tmp_path):
    from bot import factory
    from bot.app import create_app
    from bot.settings import Settings
    from bot.store.db import Database

    settings = Settings(index_dir=mini_index, data_dir=tmp_path / "data",
                        database_url=f"sqlite:///{tmp_path}/app.db")
    app = create_app(settings, components=factory.build(settings, embedder=embedder,
                                                        chat_model=model),
                     db=Database(settings.database_url))
    with app.state.services.db.session() as s:
        app.state.services.staff.add(s, "tanaka", PASSWORD, "staff", "市民課")
    return app


def conversation_page(app) -> str:
    resident = TestClient(app)
    first = resident.post("/api/chat", json={"message": QUESTION}).json()
    resident.post("/api/chat", headers={"X-Conversation-Token": first["token"]},
                  json={"conversation_id": first["conversation_id"], "message": "職員と話したい"})
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0].id
    return login(app, "tanaka").get(f"/staff/escalations/{esc}").text


def test_a_rejected_generation_shows_why(mini_index, embedder, tmp_path):
    model = GenericFakeChatModel(messages=iter([AIMessage("手数料は500円です[1]。")]))
    page = conversation_page(app_with(model, mini_index, embedder, tmp_path))
    assert "不採用（unsupported_fact）" in page and "出典にない事実: 500円" in page
    assert "手数料は500円です[1]。" in page  # the raw output, for staff only
    assert "プロンプト（資料を含む）" in page and "&lt;passage id=&#34;1&#34;" in page
    assert "不合格" in page and "合格" in page


def test_a_used_generation_is_marked(mini_index, embedder, tmp_path):
    text = "住民票の写しは市民課窓口と北部・南部支所で交付します[1]。手数料は1通300円です[1]。"
    model = GenericFakeChatModel(messages=iter([AIMessage(text)]))
    page = conversation_page(app_with(model, mini_index, embedder, tmp_path))
    assert "生成回答を採用" in page and "自動で作成した回答" in page
