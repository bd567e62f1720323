"""Fail fast in production: a missing or placeholder secret stops the start, with what to set.

A placeholder is what example files and tutorials leave behind (changeme, secret, xxx, <...>,
${...}, your-...): a server that starts with one signs staff sessions anyone can forge.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.settings import Settings

MIN_SESSION_SECRET = 32
_WORDS = {"changeme", "change-me", "change_me", "changethis", "secret", "password", "passwd",
          "placeholder", "todo", "tbd", "dummy", "example", "sample", "test", "default",
          "postgres", "madoguchi", "admin", "none", "null"}
_SHAPES = re.compile(r"^(x+|\*+|\.+|0+|1234\d*|<.*>|\$\{.*\}|\{\{.*\}\}|your[-_ ].*|"
                     r".*change[-_ ]?me.*|.*replace[-_ ]?me.*|.*placeholder.*)$", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """Empty, a well-known placeholder word, or a template-looking value."""
    v = value.strip()
    return not v or v.lower() in _WORDS or bool(_SHAPES.match(v))


def production_problems(settings: Settings) -> list[str]:
    """What must change before this configuration may serve residents (empty: none)."""
    problems = []
    secret = settings.staff.session_secret
    if is_placeholder(secret) or len(secret) < MIN_SESSION_SECRET:
        problems.append(f"MADOGUCHI_STAFF__SESSION_SECRET must be a random value of at least "
                        f"{MIN_SESSION_SECRET} characters (e.g. `openssl rand -base64 48`)")
    if not settings.staff.cookie_secure:
        problems.append("MADOGUCHI_STAFF__COOKIE_SECURE must be true (the console runs on HTTPS)")
    line = {"LINE_CHANNEL_SECRET": settings.line_channel_secret,
            "LINE_CHANNEL_ACCESS_TOKEN": settings.line_channel_access_token}
    if any(line.values()):
        problems += [f"{name} is a placeholder" for name, v in line.items() if is_placeholder(v)]
    password = urlsplit(settings.database_url).password
    if password is not None and is_placeholder(password):
        problems.append("DATABASE_URL has a placeholder password")
    if settings.llm.provider == "azure" and is_placeholder(settings.llm.api_key):
        problems.append("MADOGUCHI_LLM__API_KEY is a placeholder (Azure OpenAI needs its key)")
    return problems
