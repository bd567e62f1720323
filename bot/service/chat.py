"""The one path of a resident's message, for every channel: store (masked) → answer or defer
to staff → escalate when needed → store the reply with its trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.ops.priority import Lane
from bot.pipeline.emergency import Alarm, Screen
from bot.pipeline.outcome import Outcome, Reply
from bot.pipeline.run import FOLLOWUP_TURNS, Pipeline, alarm_step
from bot.safety.intake import CleanTexts, Incoming, receive
from bot.service import picks
from bot.service.answer_cache import AnswerCache, Computed, served
from bot.service.languages import Language, Languages
from bot.service.learning import Learning
from bot.service.office_hours import OfficeHours, handoff_notice
from bot.store import repo
from bot.store.models import Conversation, Escalation, EscalationStatus, Message, Priority, Role

log = logging.getLogger(__name__)

STAFF_HANDLING_TEXT = ("ただいま職員が対応しています。職員からのお返事をお待ちください。"
                       "追加でお伝えしたいことがあれば、このまま入力してください。")
RESUMED_TEXT = "職員の対応が終わりました。ここからは自動応答でご案内します。"
FEEDBACK_HANDOFF = "役に立たなかったとのご評価が続いたため、職員におつなぎします。"


@dataclass
class Turn:
    """What a channel needs to render one exchange."""

    conversation: Conversation
    token: str | None
    resident_message: Message
    bot_message: Message | None
    reply: Reply | None
    handoff_status: str = ""
    notices: list[str] = field(default_factory=list)
    lang: str = "ja"
    said: str = ""  # the reply's answer in `lang` (fixed parts translated), before notices


def _holds_connection(s: Session) -> bool:
    """Whether the session has a database connection (a transaction begun on the server);
    objects only added, not yet written, hold none."""
    t = s.get_transaction()
    return t is not None and bool(getattr(t, "_connections", True))


class ConversationNotFound(LookupError):
    pass


class NotAuthorised(PermissionError):
    pass


@dataclass
class ChatService:
    pipeline: Pipeline
    hours: OfficeHours
    urgent_phone: str
    negative_feedback_limit: int = 2
    # Residents' picks and feedback suggest question variants (reviewed by staff); None: off.
    learning: Learning | None = None
    # Fixed replies in the resident's language; None: Japanese only (the pipeline's texts).
    languages: Languages | None = None
    # Where the pipeline's CPU work runs (threads at lowered priority); None: the caller's.
    lane: Lane | None = None
    # Outcomes of identical earlier messages (per worker, bounded); None: always compute.
    cache: AnswerCache | None = None
    # Messages recently found clean by the masker (per worker, bounded); None: always mask.
    clean: CleanTexts | None = None

    def language(self, code: str) -> Language | None:
        return self.languages.get(code) if self.languages is not None else None

    def _say(self, code: str, key: str, japanese: str) -> str:
        lang = self.language(code)
        return lang.reply(key) if lang is not None else japanese

    def open(self, s: Session, conversation_id: str | None, token: str | None,
             channel: str = "web") -> tuple[Conversation, str | None]:
        """The resident's conversation, checked against its token; a new one when no id."""
        if conversation_id is None:
            return repo.create_conversation(s, channel, flush=False)  # written with the turn
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            raise ConversationNotFound(conversation_id)
        if not repo.token_matches(conv, token):
            raise NotAuthorised(conversation_id)
        return conv, None

    def receive(self, raw: str) -> Incoming:
        """The channel boundary: mask a resident's raw text before anything else runs."""
        masker = self.pipeline.safety.masker
        return (self.clean.receive(raw, masker) if self.clean is not None
                else receive(raw, masker))

    def urgent(self, message: Incoming) -> bool:
        """Whether the safety gate sees an emergency (certain or possible) in this message."""
        return self._screen(message.text).alarm is not None

    def ask(self, s: Session, conv: Conversation, message: Incoming, token: str | None = None,
            at: datetime | None = None, limited: bool = False, lang: str = "ja",
            on_stored: Callable[[Session, Turn], None] | None = None) -> Turn:
        """Handle one resident message (already masked by `receive`) in the conversation: read
        what the turn needs, compute with no transaction open (no SQLite write lock, no pooled
        connection held), then store the resident's message and the reply in one short
        transaction. `on_stored` runs inside that transaction (an idempotency key's record).

        The safety gate runs first, whatever the state: an emergency gets its numbers even
        while staff own the conversation or the sender is rate-limited (`limited`). Fixed parts
        of the reply are in `lang`; quoted official text stays Japanese. What the message
        alone decides may come from the answer cache (`cache`)."""
        if not isinstance(message, Incoming):
            raise TypeError("ChatService.ask takes Incoming from receive(), never raw text")
        at = at or datetime.now(UTC)
        masked, warning = message.text, message.warning
        fresh = conv in s.new  # not stored yet: nothing earlier to read
        status = "" if fresh else repo.active_status(s, conv.id)
        held = limited or status in repo.STAFF_OWNED
        recent = None if fresh or held else repo.recent(s, conv.id, FOLLOWUP_TURNS)
        previous = " ".join(recent.resident_texts) if recent is not None else ""
        offer = recent.last_bot if recent is not None else None
        choice = picks.chosen(offer, masked)
        picked = str(choice["doc_id"]) if choice is not None else None
        computed = self._computed(s, message, previous, needs_reply=not held, picked=picked)
        screen = computed.screen
        resident = repo.add_message(s, conv, Role.RESIDENT.value, masked, flush=False)
        if screen.alarm is not None and screen.alarm.certain:
            turn = self._emergency(s, conv, token, resident, screen.alarm, warning, lang)
            return self._stored(s, turn, on_stored, commit=False)
        if held:
            note = self._hold(s, conv, screen.alarm, warning, limited, lang)
            turn = Turn(conv, token, resident, note, None, status, lang=lang)
            return self._stored(s, turn, on_stored, commit=False)
        reply = computed.reply
        assert reply is not None
        notices: list[str] = []
        if reply.outcome.escalates:
            # "" when not put in the queue; then an earlier escalation may still be open
            status = self._escalate(s, conv, resident, reply) or status
            if (reply.decision == "handoff" and status
                    and reply.outcome is not Outcome.HANDOFF_SUSPECTED_ABUSE):
                notices.append(handoff_notice(self.hours, at, reply.contact or self.urgent_phone,
                                              self.language(lang)))
        answer = self._localised(reply, lang)
        head, _, body = (answer.partition("\n\n") if reply.emergency == "possible"
                         else ("", "", answer))
        text_out = "\n\n".join(x for x in (head, warning, body, *notices) if x)
        bot = repo.add_message(
            s, conv, Role.BOT.value, text_out, flush=False, decision=reply.decision,
            outcome=reply.outcome.value, confidence=reply.confidence,
            citations=[c.model_dump() for c in reply.citations],
            choices=[c.model_dump() for c in reply.choices], trace=reply.trace)
        if self.learning is not None and offer is not None and choice is not None:
            self.learning.picked(s, conv.id, offer, choice)
        turn = Turn(conv, token, resident, bot, reply, status, notices, lang, answer)
        return self._stored(s, turn, on_stored, commit=True)

    def _stored(self, s: Session, turn: Turn, on_stored: Callable[[Session, Turn], None] | None,
                commit: bool) -> Turn:
        """Write the turn (its messages with Core, the rest in one flush, with `on_stored`'s
        changes) and commit when asked to (the emergency and hold paths leave the commit to
        the caller, as before)."""
        repo.store_turn(s, turn.conversation, [m for m in (turn.resident_message,
                                                           turn.bot_message) if m is not None])
        s.flush()
        if on_stored is not None:
            on_stored(s, turn)
        if commit:
            s.commit()
        return turn

    def _computed(self, s: Session, message: Incoming, previous: str, needs_reply: bool,
                  picked: str | None = None) -> Computed:
        """The screen (and the reply, when one is needed) of this message: kept from an
        identical earlier message, or computed — with no transaction open meanwhile. A pick
        (`picked`: the chosen passage) depends on the previous reply, so it is not kept."""
        cache = self.cache if picked is None else None
        key, screen = None, None
        if cache is not None and cache.enabled and not message.kinds:
            key = cache.key(message.text)
            found, serves = cache.get(key, previous, needs_reply)
            if found is not None and serves:
                reply = served(found.reply, key[0]) if found.reply is not None else None
                return Computed(found.screen, reply if needs_reply else None)
            # kept for a turn without earlier ones: the screen (the message's alone) still holds
            screen = found.screen if found is not None else None
        elif cache is not None:
            cache.skip()
        if _holds_connection(s):
            # Nothing is held while the CPU works: reads end, a claimed idempotency key (or a
            # conversation the caller created and wrote) is committed first.
            s.commit()
        computed = (self.lane.run(self._compute, message.text, previous, needs_reply, screen,
                                  picked, message.clean)
                    if self.lane is not None
                    else self._compute(message.text, previous, needs_reply, screen, picked,
                                       message.clean))
        if key is not None:
            cache.put(key, computed)  # type: ignore[union-attr]
        return computed

    def _compute(self, masked: str, previous: str, needs_reply: bool,
                 screen: Screen | None = None, picked: str | None = None,
                 clean: bool = False) -> Computed:
        """The safety screen (unless given), then the pipeline's reply unless none is
        needed (`clean`: the masker found nothing in `masked`, see `Incoming.clean`)."""
        screen = screen or self.pipeline.screen(masked)
        if not needs_reply or (screen.alarm is not None and screen.alarm.certain):
            return Computed(screen)
        # The pipeline sees the stored (already masked) text, so the warning is ours to give.
        return Computed(screen, self.pipeline.answer(masked, previous=previous, screen=screen,
                                                     picked=picked, clean=clean))

    def _screen(self, masked: str) -> Screen:
        return (self.lane.run(self.pipeline.screen, masked) if self.lane is not None
                else self.pipeline.screen(masked))

    def _localised(self, reply: Reply, lang: str) -> str:
        if self.languages is None:
            return reply.answer
        return self.languages.localise(reply, lang, self.pipeline.city)

    def _hold(self, s: Session, conv: Conversation, alarm: Alarm | None, warning: str,
              limited: bool, lang: str = "ja") -> Message:
        """The bot's note while staff own the conversation or the sender is rate-limited;
        a possible emergency still gets its numbers first."""
        text = (self._say(lang, Outcome.RATE_LIMITED.value,
                          self.pipeline.replies.text(Outcome.RATE_LIMITED)) if limited
                else self._say(lang, "staff_handling", STAFF_HANDLING_TEXT))
        line = self.pipeline.emergency.line(alarm) if alarm else ""
        return repo.add_message(s, conv, Role.BOT.value,
                                "\n\n".join(x for x in (line, warning, text) if x),
                                decision="handoff",
                                outcome="rate_limited" if limited else "staff_handling",
                                trace={"steps": [alarm_step(alarm)]} if alarm else {})

    def _emergency(self, s: Session, conv: Conversation, token: str | None, resident: Message,
                   alarm: Alarm, warning: str, lang: str = "ja") -> Turn:
        """The fixed reply with the numbers, an emergency-priority escalation (raised if one is
        open) and, when a staff member owns the conversation, an alert for them."""
        reply = self.pipeline.emergency_reply(resident.text, alarm)
        s.flush()  # the escalation points at the resident's message
        esc = repo.escalate(s, conv, resident, reply.outcome.value, Priority.EMERGENCY,
                            "", reply.trace)
        if esc.assignee_id is not None:
            self._alert(s, esc, alarm)
        said = self._localised(reply, lang)
        text_out = "\n\n".join(x for x in (said, warning) if x)
        bot = repo.add_message(s, conv, Role.BOT.value, text_out, decision=reply.decision,
                               outcome=reply.outcome.value, confidence=reply.confidence,
                               trace=reply.trace)
        return Turn(conv, token, resident, bot, reply, esc.status, lang=lang, said=said)

    def _alert(self, s: Session, esc: Escalation, alarm: Alarm) -> None:
        """Tell the assigned staff member: the console shows their emergency alerts first."""
        repo.audit(s, None, "escalation.emergency", f"escalation:{esc.id}",
                   assignee_id=esc.assignee_id, kind=alarm.kind.name)
        log.warning("emergency (%s) in escalation %s, assigned to staff %s",
                    alarm.kind.name, esc.id, esc.assignee_id)

    def _escalate(self, s: Session, conv: Conversation, msg: Message, reply: Reply) -> str:
        """Put the conversation in the queue ("" when it is not put there: a suspected probe
        is handed over once per conversation)."""
        s.flush()  # the escalation points at the resident's message
        if (reply.outcome is Outcome.HANDOFF_SUSPECTED_ABUSE
                and repo.escalated_for(s, conv.id, reply.outcome.value)):
            return ""
        priority = {Outcome.EMERGENCY: Priority.EMERGENCY,
                    Outcome.HANDOFF_REQUESTED: Priority.REQUESTED,
                    Outcome.HANDOFF_SUSPECTED_ABUSE: Priority.SUSPECTED_ABUSE,
                    }.get(reply.outcome, Priority.LOW_CONFIDENCE)
        esc = repo.escalate(s, conv, msg, reply.outcome.value, priority, reply.department,
                            reply.trace)
        return esc.status

    def request_person(self, s: Session, conv: Conversation, at: datetime | None = None,
                       lang: str = "ja") -> Turn:
        """The 「職員に相談する」 button."""
        return self.ask(s, conv, Incoming.fixed("職員に相談したい"), at=at, lang=lang)

    def feedback(self, s: Session, conv: Conversation, message_id: int, helpful: bool,
                 at: datetime | None = None, lang: str = "ja") -> Turn | None:
        """Record 役に立った / 役に立たなかった; repeated negatives escalate the conversation."""
        msg = s.get(Message, message_id)
        if msg is None or msg.conversation_id != conv.id or msg.role != Role.BOT.value:
            raise ConversationNotFound(f"message {message_id}")
        negatives = repo.record_feedback(s, conv, msg, helpful)
        if self.learning is not None:
            self.learning.feedback(s, msg, helpful)
        if helpful or negatives < self.negative_feedback_limit:
            return None
        if repo.active_escalation(s, conv.id) is not None:
            return None
        repo.escalate(s, conv, msg, "negative_feedback", Priority.FEEDBACK,
                      (msg.citations[0].get("department", "") if msg.citations else ""),
                      msg.trace)
        text = self._say(lang, "feedback_handoff", FEEDBACK_HANDOFF) + "\n" + handoff_notice(
            self.hours, at or datetime.now(UTC), self.urgent_phone, self.language(lang))
        note = repo.add_message(s, conv, Role.SYSTEM.value, text, decision="handoff",
                                outcome="handoff_feedback")
        return Turn(conv, None, msg, note, None, EscalationStatus.OPEN.value)
