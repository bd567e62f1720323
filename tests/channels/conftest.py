"""LINE tests run the real app and the real line-bot-sdk against the local fake Messaging API:
signed webhook in → ChatService → SDK call out, recorded by the fake."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.channels.line_fake import Call, FakeLineApi
from bot.channels.line_sim import DEFAULT_USER, make_event, sign, webhook_body

SECRET = "test-channel-secret-0123456789ab"
TOKEN = "test-channel-access-token"


@pytest.fixture
def fake() -> Iterator[FakeLineApi]:
    with FakeLineApi(access_token=TOKEN) as f:
        yield f


@pytest.fixture
def line_settings(mini_index, settings_factory, tmp_path, fake):
    from bot.settings import LineSettings

    def make(**overrides: Any):
        values = dict(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path}/line.db",
                      line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                      line=LineSettings(api_base=fake.url))
        values.update(overrides)
        return settings_factory(mini_index, **values)

    return make


@pytest.fixture
def line_app_factory(line_settings, embedder):
    """The real app with LINE configured; every app's background work is drained at the end."""
    from bot import factory
    from bot.app import create_app
    from bot.store.db import Database

    created = []

    def make(settings=None, **line_options: Any):
        settings = settings or line_settings()
        app = create_app(settings, components=factory.build(settings, embedder=embedder),
                         db=Database(settings.database_url), line=line_options)
        created.append(app)
        return app

    yield make
    for app in created:
        services = app.state.services
        if "line" in services.extra:
            services.extra["line"].join(10)
            services.extra["line"].close()
        services.db.engine.dispose()


class Line:
    """A resident's LINE app, as far as the webhook sees it."""

    def __init__(self, app, fake: FakeLineApi) -> None:
        self.app, self.fake = app, fake
        self.client = TestClient(app)
        self.services = app.state.services
        self.channel = self.services.extra["line"]

    def post(self, *events: dict[str, Any], secret: str = SECRET, body: bytes | None = None,
             signature: str | None = None, headers: dict[str, str] | None = None):
        raw = body if body is not None else webhook_body(list(events))
        sig = signature if signature is not None else sign(raw, secret)
        h = {"Content-Type": "application/json", "X-Line-Signature": sig, **(headers or {})}
        return self.client.post("/line/webhook", content=raw, headers=h)

    def send(self, *events: dict[str, Any]) -> None:
        r = self.post(*events)
        assert r.status_code == 200, r.text
        assert self.channel.join(30), "background work did not finish"

    def say(self, text: str, user: str = DEFAULT_USER, **kw: Any) -> Call:
        """Send a text message; the one call that answered it (reply or push)."""
        before = len(self.fake.calls(ok_only=False))
        self.send(make_event("text", user=user, text=text, **kw))
        return self.answer(before)

    def answer(self, before: int) -> Call:
        new = [c for c in self.fake.calls(ok_only=False)[before:] if c.kind != "loading"]
        assert len(new) == 1, [(c.kind, c.status, c.errors) for c in new]
        assert new[0].status == 200, new[0].errors
        return new[0]

    def postback(self, data: str, user: str = DEFAULT_USER) -> Call:
        before = len(self.fake.calls(ok_only=False))
        self.send(make_event("postback", user=user, data=data))
        return self.answer(before)


@pytest.fixture
def line(line_app_factory, fake) -> Line:
    return Line(line_app_factory(), fake)


class Wrapped:
    """A stand-in pipeline: the real one, except for what a subclass changes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def answer(self, question: str, filters=None, previous: str = "", screen=None,
               picked=None, clean=False):
        return self.inner.answer(question, filters, previous, screen, picked, clean)


class Gate(Wrapped):
    """Wraps a pipeline so a test decides when answering may finish."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.entered, self.release = threading.Event(), threading.Event()

    def answer(self, question: str, filters=None, previous: str = "", screen=None,
               picked=None, clean=False):
        self.entered.set()
        assert self.release.wait(10)
        return self.inner.answer(question, filters, previous, screen, picked, clean)


class Scripted(Wrapped):
    """A pipeline that gives fixed replies to some questions and asks the real one otherwise."""

    def __init__(self, inner: Any, replies: dict[str, Any]) -> None:
        super().__init__(inner)
        self.scripted = replies

    def answer(self, question: str, filters=None, previous: str = "", screen=None,
               picked=None, clean=False):
        if question in self.scripted:
            return self.scripted[question]
        return self.inner.answer(question, filters, previous, screen, picked, clean)
