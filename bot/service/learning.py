"""What residents' behaviour suggests about question variants — suggestions only: each one waits
in the console's review list for two staff members (bot/service/variants.py).

- A clarify pick: the resident asked X, the bot offered choices, the resident picked the FAQ
  F → suggest X as a variant of F.
- 役に立った on an answer to X citing F → suggest X as a variant of F.
- 役に立たなかった on an answer that F's approved variant led to → suggest removing it.

The texts are the stored messages, which were masked at the channel boundary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service.picks import Offer
from bot.service.variants import VariantError, VariantService
from bot.store.models import Message, QuestionVariant, Role

log = logging.getLogger(__name__)


@dataclass
class Learning:
    variants: VariantService

    def picked(self, s: Session, conv_id: str, offer: Offer, choice: dict[str, Any]
               ) -> QuestionVariant | None:
        """The resident picked `choice` from `offer`, the previous clarify reply's choices
        (recognised by bot/service/picks.py): suggest the question asked before `offer` as a
        variant of the picked passage."""
        asked = _resident_before(s, conv_id, offer.id)
        if asked is None:
            return None
        return self._suggest(s, choice["doc_id"], asked, "clarify",
                             f"選択肢から「{choice.get('label', '')}」が選ばれた")

    def feedback(self, s: Session, answer: Message, helpful: bool) -> QuestionVariant | None:
        """役に立った suggests the question as a variant of the cited FAQ; 役に立たなかった
        suggests removing the approved variant that led to the answer."""
        if answer.decision != "answer" or not answer.citations:
            return None
        if not helpful:
            target = _variant_behind(s, answer.trace or {})
            if target is None:
                return None
            return self.variants.suggest_removal(
                s, target, f"言い換え「{target.text}」で選ばれた回答に「役に立たなかった」",
                answer.id)
        asked = _resident_before(s, answer.conversation_id, answer.id)
        if asked is None:
            return None
        doc_id = answer.citations[0].get("doc_id", "")
        return self._suggest(s, doc_id, asked, "helpful", "回答に「役に立った」")

    def _suggest(self, s: Session, doc_id: str, asked: Message, origin: str,
                 reason: str) -> QuestionVariant | None:
        try:
            return self.variants.suggest(s, doc_id, asked.text, origin, reason, asked.id)
        except VariantError as exc:  # never in the resident's way
            log.info("no variant suggested for %s: %s", doc_id, exc)
            return None


def _resident_before(s: Session, conv_id: str, before: int) -> Message | None:
    return s.scalars(select(Message).where(
        Message.conversation_id == conv_id, Message.role == Role.RESIDENT.value,
        Message.id < before).order_by(Message.id.desc())).first()


def _variant_behind(s: Session, trace: dict[str, Any]) -> QuestionVariant | None:
    """The approved variant that put the answer's passage first, from the turn's trace."""
    retrieve = [st for st in trace.get("steps", []) if st.get("step") == "retrieve"]
    top = (retrieve[0].get("fused_top") or [{}])[0] if retrieve else {}
    origin = str(top.get("variant_origin", ""))
    if not origin.startswith("db:") or not origin[3:].isdigit():
        return None
    row = s.get(QuestionVariant, int(origin[3:]))
    return row if row is not None and row.status == "approved" else None
