"""Recent answers kept per worker for a surge: on a disaster day many residents send the very
same question, and the safety screen and the pipeline would compute the same reply each time.

What is kept is what the message alone decides — the safety screen's verdict and the
pipeline's reply — never what depends on the conversation (staff ownership, rate limits,
escalations, office hours, the language of the fixed parts: the chat service decides those on
every turn). An entry is keyed by the serving generation, a fingerprint of the settings the
pipeline was built from and the masked message exactly as the pipeline sees it (a
normalised key would hand one spelling the reply computed for another, whose `question`, trace
and readings differ). Nothing is kept for a message in which personal data was masked, for a
reply that read the earlier turns (they are not in the key), for a fault or for an LLM answer
that fell back. A reply computed without earlier turns that *would* have read them
(`context == "needed"`) serves only messages that have none either.

Bounded (least recently used out), thread-safe, cleared when the serving generation changes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.pipeline.emergency import Screen
from bot.pipeline.outcome import Outcome, Reply
from bot.pipeline.reading import CONTEXT_NEEDED, CONTEXT_UNUSED, CONTEXT_USED

HIT, MISS, SKIP = "hit", "miss", "skip"  # lookups, as counted in the metrics


@dataclass(frozen=True)
class Computed:
    """What one message decided: the screen, and the reply (None when no reply was computed:
    a certain emergency gets the fixed reply, a held conversation a note)."""

    screen: Screen
    reply: Reply | None = None

    def serves(self, previous: str, needs_reply: bool) -> bool:
        """Whether this serves a turn with these earlier turns (`previous`)."""
        if self.screen.alarm is not None and self.screen.alarm.certain:
            return True  # the emergency reply is fixed: nothing else is computed
        if not needs_reply:
            return True
        if self.reply is None:
            return False
        return context_of(self.reply) == CONTEXT_UNUSED or not previous


def context_of(reply: Reply) -> str:
    """How the reply used the earlier turns (the "understand" step; none: not at all)."""
    for step in reply.trace.get("steps", []):
        if step.get("step") == "understand":
            return str(step.get("context", CONTEXT_USED))
    return CONTEXT_UNUSED


def keepable(c: Computed) -> bool:
    """Whether a computed outcome may be kept: the message alone decided it."""
    r = c.reply
    if r is None:
        return c.screen.alarm is not None and c.screen.alarm.certain
    return (r.outcome is not Outcome.ERROR_INTERNAL and r.fallback_reason is None
            and context_of(r) in (CONTEXT_UNUSED, CONTEXT_NEEDED))


def fingerprint(*parts: Any) -> str:
    """A short digest of the settings an answer depends on."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


class AnswerCache:
    """A bounded LRU of `Computed` per (generation, settings, masked message)."""

    def __init__(self, size: int, settings: str, generation: Callable[[], str],
                 on_lookup: Callable[[str], None] | None = None) -> None:
        self.size, self.settings, self.generation = size, settings, generation
        self.on_lookup = on_lookup or (lambda _result: None)
        self._entries: OrderedDict[tuple[str, str, str], Computed] = OrderedDict()
        self._serving = ""
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, masked: str) -> tuple[str, str, str]:
        """The entry's key now: the serving generation, the settings, the message."""
        return (self.generation(), self.settings, masked)

    def get(self, key: tuple[str, str, str], previous: str, needs_reply: bool
            ) -> tuple[Computed | None, bool]:
        """The kept outcome of this message, and whether it serves this turn (counted as a
        hit, else a miss). One that does not serve still gives the message's screen."""
        with self._lock:
            self._follow(key[0])
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        serves = found is not None and found.serves(previous, needs_reply)
        self.on_lookup(HIT if serves else MISS)
        return found, serves

    def put(self, key: tuple[str, str, str], computed: Computed) -> bool:
        """Keep `computed` under `key` (taken before computing) if it may be kept and the
        generation it was computed on still serves."""
        if not self.enabled or not keepable(computed):
            return False
        serving = self.generation()
        with self._lock:
            self._follow(serving)
            if key[0] != serving:
                return False  # a new generation came while answering
            self._entries[key] = computed
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return True

    def skip(self) -> None:
        """A lookup not made (disabled, personal data masked): counted as such."""
        self.on_lookup(SKIP)

    def _follow(self, generation: str) -> None:
        """Drop every entry when another generation serves (under the lock)."""
        if generation != self._serving:
            self._entries.clear()
            self._serving = generation


def served(reply: Reply, generation: str) -> Reply:
    """A kept reply as served again: the trace says it was, and where its timings are from.
    The kept reply itself is not changed (it is shared between turns)."""
    step = {"step": "cache", "hit": True, "generation": generation,
            "note": "同じ質問への回答を再利用（各ステップの時間は最初の計算時のもの）"}
    trace = {**reply.trace, "steps": [*reply.trace.get("steps", []), step]}
    return reply.model_copy(update={"trace": trace})
