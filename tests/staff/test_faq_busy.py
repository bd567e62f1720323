"""Approving an FAQ while a CLI ingest holds the index (issue 14): the approval waits a little,
then answers 409 with a Japanese reason and saves nothing — never a bare 500."""

from bot.store.models import ApprovedFaq
from ingest.store import IndexLock, IndexPaths
from tests.staff.conftest import csrf
from tests.staff.test_faq import _form


def test_approval_during_an_ingest_answers_409_and_saves_nothing(app, login):
    app.state.services.settings.staff.publish_wait_s = 0.5
    suzuki, tanaka = login("suzuki"), login("tanaka")
    token = csrf(suzuki.get("/staff/faq/new").text)
    r = suzuki.post("/staff/faq/new", data=_form(token, action="submit"),
                    follow_redirects=False)
    cand = r.headers["location"].split("?")[0]
    t_token = csrf(tanaka.get(cand).text)
    index_dir = app.state.services.components.retriever.index.index_dir
    with IndexLock(IndexPaths(index_dir).lock):  # `madoguchi ingest` is running
        r = tanaka.post(f"{cand}/approve", data={"csrf": t_token}, follow_redirects=False)
    assert r.status_code == 409, r.text
    assert "取り込み" in r.json()["detail"] and int(r.headers["Retry-After"]) > 0
    assert "承認待ち" in tanaka.get(cand).text
    with app.state.services.db.session() as s:
        assert s.query(ApprovedFaq).count() == 0
    r = tanaka.post(f"{cand}/approve", data={"csrf": t_token}, follow_redirects=False)
    assert r.status_code == 303  # the ingest finished: the same approval goes through
    with app.state.services.db.session() as s:
        assert s.query(ApprovedFaq).count() == 1
