"""Production refuses placeholder secrets at start-up; development does not care."""

import pytest
from pydantic import ValidationError

from bot.ops.secrets import is_placeholder
from bot.settings import Settings

GOOD = "k3J9v0sPq8XzT2mWb7YcN4rLd6FgHa1E"


@pytest.mark.parametrize("value", ["", "changeme", "CHANGE_ME", "secret", "xxxxxxxx",
                                   "<session-secret>", "${SESSION_SECRET}", "your-secret-here",
                                   "please-change-me-now"])
def test_placeholders(value):
    assert is_placeholder(value)


def test_real_values_are_not_placeholders():
    assert not is_placeholder(GOOD) and not is_placeholder("Zq1-7hX")


def test_production_refuses_placeholders(monkeypatch):
    monkeypatch.setenv("MADOGUCHI_ENV", "production")
    monkeypatch.setenv("MADOGUCHI_STAFF__SESSION_SECRET", "changeme")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "xxxx")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "real-token-value-1")
    monkeypatch.setenv("DATABASE_URL", "postgresql://madoguchi:changeme@db/madoguchi")
    with pytest.raises(ValidationError) as err:
        Settings(_env_file=None)
    text = str(err.value)
    for name in ("MADOGUCHI_STAFF__SESSION_SECRET", "MADOGUCHI_STAFF__COOKIE_SECURE",
                 "LINE_CHANNEL_SECRET", "DATABASE_URL"):
        assert name in text
    assert "LINE_CHANNEL_ACCESS_TOKEN" not in text


def test_production_starts_with_real_secrets(monkeypatch):
    monkeypatch.setenv("MADOGUCHI_ENV", "production")
    monkeypatch.setenv("MADOGUCHI_STAFF__SESSION_SECRET", GOOD)
    monkeypatch.setenv("MADOGUCHI_STAFF__COOKIE_SECURE", "true")
    monkeypatch.setenv("DATABASE_URL", "postgresql://madoguchi:Wq8vN2xY@db/madoguchi")
    assert Settings(_env_file=None).environment == "production"


def test_development_keeps_its_defaults(monkeypatch):
    monkeypatch.setenv("MADOGUCHI_STAFF__SESSION_SECRET", "changeme")
    assert Settings(_env_file=None).environment == "development"
