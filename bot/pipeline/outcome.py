"""The closed set of outcomes a turn can end in, and the reply models every channel renders."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

Decision = Literal["answer", "clarify", "handoff", "emergency"]


class Outcome(StrEnum):
    ANSWERED = "answered"
    CLARIFY = "clarify"
    HANDOFF_LOW_CONFIDENCE = "handoff_low_confidence"
    HANDOFF_NO_SOURCE = "handoff_no_source"
    HANDOFF_REQUESTED = "handoff_requested"
    # Not answerable and worded like a probe of the bot (a flag-only injection rule matched):
    # staff see it once per conversation as 不正利用の疑い, not as 自動応答不可.
    HANDOFF_SUSPECTED_ABUSE = "handoff_suspected_abuse"
    EMERGENCY = "emergency"
    GUARD_EMPTY = "guard_empty"
    GUARD_INJECTION = "guard_injection"
    RATE_LIMITED = "rate_limited"
    BUSY = "busy"
    ERROR_INTERNAL = "error_internal"

    @property
    def escalates(self) -> bool:
        """Whether this outcome puts the conversation in the staff queue."""
        return self.decision in ("handoff", "emergency") and self not in (
            Outcome.GUARD_EMPTY, Outcome.GUARD_INJECTION, Outcome.RATE_LIMITED, Outcome.BUSY)

    @property
    def decision(self) -> Decision:
        if self is Outcome.ANSWERED:
            return "answer"
        if self is Outcome.CLARIFY:
            return "clarify"
        if self is Outcome.EMERGENCY:
            return "emergency"
        return "handoff"


class Citation(BaseModel):
    n: int = Field(description="The number used in the answer text, [n]")
    doc_id: str
    title: str
    locator: str
    url: str
    department: str
    contact: str
    source_type: str


class Candidate(BaseModel):
    doc_id: str
    score: float
    label: str = ""


class Choice(BaseModel):
    """One option of a clarify reply: what a resident can pick with a tap."""

    doc_id: str
    label: str


class Reply(BaseModel):
    """What the pipeline returns for one question, for every channel alike."""

    question: str
    decision: Decision
    outcome: Outcome
    answer: str
    confidence: float = Field(ge=0.0, le=1.0)
    citations: list[Citation] = []
    candidates: list[Candidate] = Field(default=[], description="Top 20 passages, best first")
    choices: list[Choice] = Field(default=[], description="Options of a clarify reply")
    department: str = Field("", description="The department the best sources point to")
    contact: str = ""
    composer: Literal["extractive", "llm"] = Field(
        "extractive", description="Who wrote the answer: quoted sources, or a checked LLM answer")
    fallback_reason: str | None = Field(
        None, description="Why a generated answer was not used (the LLM was tried)")
    emergency: Literal["", "certain", "possible"] = Field(
        "", description="The safety gate's tier: certain = the fixed emergency reply; possible "
                        "= the answer starts with a line of emergency numbers")
    trace: dict[str, Any] = {}
