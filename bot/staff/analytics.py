"""ログ分析: what residents ask and when, how the bot decided, which sources it cited, what
went unanswered (grouped by meaning), which answers were rated 役に立たなかった, languages, and
how fast staff replied — for a date range (in the city's time zone) and optionally one
department. Every table is also a CSV; charts are server-side SVG (bot/staff/charts.py)."""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from bot.retrieval.language import HAN, HANGUL, KANA, LATIN, is_japanese
from bot.staff import charts
from bot.staff.view import DECISION_JA
from bot.store.models import Escalation, Feedback, Message

DECISIONS = ("answer", "clarify", "handoff", "emergency")
UNANSWERED = ("handoff_low_confidence", "handoff_no_source", "handoff_requested")
PERSON_REQUEST = re.compile(r"^(職員|人|担当者)(に|と)(相談|話|つない|代わ)")
MAX_TOPIC_TEXTS = 2000
TOPIC_SIMILARITY = 0.6
MAX_DAYS = 366


class PeriodError(ValueError):
    """A date range the page cannot show; the message says why."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    department: str = ""

    @classmethod
    def parse(cls, start: str, end: str, department: str, today: date) -> Period:
        """From the query string; defaults to the last 30 days up to today."""
        try:
            end_d = date.fromisoformat(end) if end else today
            start_d = date.fromisoformat(start) if start else end_d - timedelta(days=29)
        except ValueError as exc:
            raise PeriodError("日付は YYYY-MM-DD の形で指定してください") from exc
        if start_d > end_d:
            raise PeriodError("開始日が終了日より後になっています")
        if (end_d - start_d).days >= MAX_DAYS:
            raise PeriodError(f"期間は {MAX_DAYS} 日以内にしてください")
        return cls(start_d, end_d, department.strip())

    def utc_bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """Naive UTC [from, to) covering the local days (as the store keeps times)."""
        lo = datetime.combine(self.start, time(), tz).astimezone(UTC).replace(tzinfo=None)
        hi = datetime.combine(self.end + timedelta(days=1), time(), tz)
        return lo, hi.astimezone(UTC).replace(tzinfo=None)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]

    def csv(self) -> str:
        """UTF-8 with BOM so that Excel opens the Japanese columns correctly."""
        buf = io.StringIO(newline="")
        w = csv.writer(buf)
        w.writerow(self.columns)
        w.writerows(self.rows)
        return "\ufeff" + buf.getvalue()


@dataclass
class Topic:
    label: str
    count: int
    examples: list[str]
    department: str


@dataclass
class Report:
    period: Period
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


@dataclass
class Tools:
    """What the report needs beyond the database: local time, meaning, masking."""

    tz: tzinfo
    embed: Callable[[list[str]], np.ndarray]
    mask: Callable[[str], str]


def build_report(s: Session, period: Period, tools: Tools) -> Report:
    lo, hi = period.utc_bounds(tools.tz)
    # Everything but the traces (large JSON, not needed here).
    columns = load_only(Message.id, Message.conversation_id, Message.role, Message.text,
                        Message.decision, Message.outcome, Message.citations,
                        Message.created_at)
    messages = list(s.scalars(select(Message).options(columns)
                              .where(Message.created_at >= lo, Message.created_at < hi)
                              .order_by(Message.id)))
    departments = _conversation_departments(s, messages)
    if period.department:
        messages = [m for m in messages
                    if departments.get(m.conversation_id) == period.department]
    residents = [m for m in messages if m.role == "resident"]
    bots = [m for m in messages if m.role == "bot" and m.decision in DECISIONS
            and m.outcome != "staff_handling"]
    report = Report(period)
    local = {m.id: _local(m.created_at, tools.tz) for m in messages}
    _questions(report, residents, local)
    _decisions(report, bots, local)
    _sources(report, bots)
    topics = _unanswered(messages)
    report.topics = group_topics(topics, departments, tools)
    _topics_table(report)
    _unhelpful(s, report, lo, hi, departments, tools)
    _languages(report, residents)
    _response_times(s, report, lo, hi)
    report.totals = {"questions": len(residents), "answers": len(bots),
                     "handoffs": sum(1 for m in bots if m.decision == "handoff"),
                     "topics": len(report.topics)}
    return report


def _local(value: datetime, tz: tzinfo) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(tz)


def _conversation_departments(s: Session, messages: list[Message]) -> dict[str, str]:
    """A conversation's department: its latest escalation's, else its first cited source's."""
    ids = {m.conversation_id for m in messages}
    out: dict[str, str] = {}
    for m in messages:
        if m.conversation_id not in out and m.citations:
            dept = m.citations[0].get("department", "")
            if dept:
                out[m.conversation_id] = dept
    if ids:
        rows = s.execute(select(Escalation.conversation_id, Escalation.department)
                         .where(Escalation.conversation_id.in_(ids)).order_by(Escalation.id))
        for conv_id, dept in rows:
            if dept:
                out[conv_id] = dept
    return out


def _questions(report: Report, residents: list[Message], local: dict[int, datetime]) -> None:
    per_day = Counter(local[m.id].date() for m in residents)
    per_hour = Counter(local[m.id].hour for m in residents)
    days = report.period.days()
    report.tables["daily"] = Table("daily", "日別の質問数", ["日付", "質問数"],
                                   [[d.isoformat(), per_day[d]] for d in days])
    report.tables["hourly"] = Table("hourly", "時間帯別の質問数", ["時", "質問数"],
                                    [[h, per_hour[h]] for h in range(24)])
    report.charts["daily"] = charts.bars("日別の質問数", [d.strftime("%m/%d") for d in days],
                                         [per_day[d] for d in days])
    report.charts["hourly"] = charts.bars("時間帯別の質問数", [f"{h}時" for h in range(24)],
                                          [per_hour[h] for h in range(24)])


def _decisions(report: Report, bots: list[Message], local: dict[int, datetime]) -> None:
    per = Counter((local[m.id].date(), m.decision) for m in bots)
    days = report.period.days()
    rows = [[d.isoformat(), *(per[(d, k)] for k in DECISIONS)] for d in days]
    report.tables["decisions"] = Table("decisions", "判定の推移",
                                       ["日付", *(DECISION_JA[k] for k in DECISIONS)], rows)
    series = {k: [per[(d, k)] for d in days] for k in DECISIONS}
    report.charts["decisions"] = charts.stacked_bars(
        "判定の推移", [d.strftime("%m/%d") for d in days], series, DECISION_JA)


def _sources(report: Report, bots: list[Message]) -> None:
    counts: Counter[str] = Counter()
    about: dict[str, tuple[str, str]] = {}
    for m in bots:
        for c in m.citations or []:
            doc = c.get("doc_id", "")
            counts[doc] += 1
            about.setdefault(doc, (c.get("locator") or c.get("title", ""),
                                   c.get("department", "")))
    rows = [[doc, *about[doc], n] for doc, n in counts.most_common(50)]
    report.tables["sources"] = Table("sources", "よく引用された出典",
                                     ["doc_id", "出典", "担当課", "引用回数"], rows)


def _unanswered(messages: list[Message]) -> list[Message]:
    """The resident messages the bot could not answer (for a person request: the question
    asked before it)."""
    last: dict[str, Message] = {}
    before: dict[str, Message] = {}
    out: list[Message] = []
    for m in messages:
        if m.role == "resident":
            if m.conversation_id in last:
                before[m.conversation_id] = last[m.conversation_id]
            last[m.conversation_id] = m
            continue
        if m.role != "bot" or m.outcome not in UNANSWERED or m.conversation_id not in last:
            continue
        asked = last[m.conversation_id]
        if m.outcome == "handoff_requested" and PERSON_REQUEST.match(asked.text):
            prior = before.get(m.conversation_id)
            if prior is None:
                continue
            asked = prior
        out.append(asked)
    return out


def group_topics(items: list[Message], departments: dict[str, str],
                 tools: Tools) -> list[Topic]:
    """Leader clustering on normalised sentence vectors: a question joins the first group
    whose first member is at least TOPIC_SIMILARITY similar, else starts a new group."""
    items = items[-MAX_TOPIC_TEXTS:]
    if not items:
        return []
    vectors = tools.embed([m.text for m in items])
    leaders: list[int] = []
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        if leaders:
            sims = vectors[leaders] @ vectors[i]
            best = int(np.argmax(sims))
            if sims[best] >= TOPIC_SIMILARITY:
                members[leaders[best]].append(i)
                continue
        leaders.append(i)
        members[i].append(i)
    topics = []
    for lead in sorted(leaders, key=lambda k: -len(members[k])):
        group = [items[i] for i in members[lead]]
        texts = list(dict.fromkeys(tools.mask(m.text) for m in group))
        depts = Counter(departments.get(m.conversation_id, "") for m in group)
        dept = next((d for d, _ in depts.most_common() if d), "")
        topics.append(Topic(texts[0], len(group), texts[:3], dept))
    return topics


def _topics_table(report: Report) -> None:
    rows = [[t.label, t.count, t.department, " / ".join(t.examples)] for t in report.topics]
    report.tables["topics"] = Table("topics", "答えられなかった・引き継いだ話題",
                                    ["話題（代表例）", "件数", "担当課", "例"], rows)


def _unhelpful(s: Session, report: Report, lo: datetime, hi: datetime,
               departments: dict[str, str], tools: Tools) -> None:
    rows = s.execute(select(Feedback.helpful, Message).join(Message,
                                                            Feedback.message_id == Message.id)
                     .where(Feedback.created_at >= lo, Feedback.created_at < hi))
    bad: Counter[str] = Counter()
    good: Counter[str] = Counter()
    about: dict[str, tuple[str, str]] = {}
    example: dict[str, str] = {}
    for helpful, msg in rows:
        if report.period.department and \
                departments.get(msg.conversation_id) != report.period.department:
            continue
        cite = (msg.citations or [{}])[0]
        doc = cite.get("doc_id", "") or "（出典なし）"
        about.setdefault(doc, (cite.get("locator") or cite.get("title", ""),
                               cite.get("department", "")))
        (good if helpful else bad)[doc] += 1
        if not helpful and doc not in example:
            example[doc] = tools.mask(_question_for(s, msg))
    table = [[doc, *about[doc], n, good[doc], example.get(doc, "")]
             for doc, n in bad.most_common(50)]
    report.tables["unhelpful"] = Table(
        "unhelpful", "「役に立たなかった」と評価された回答",
        ["doc_id", "出典", "担当課", "役に立たなかった", "役に立った", "質問の例"], table)


def _question_for(s: Session, bot: Message) -> str:
    text = s.scalars(select(Message.text).where(
        Message.conversation_id == bot.conversation_id, Message.role == "resident",
        Message.id < bot.id).order_by(Message.id.desc())).first()
    return text or ""


def language_of(text: str) -> str:
    """A coarse label by script (the bot answers every language through the same index)."""
    if is_japanese(text):
        return "日本語"
    if HANGUL.search(text):
        return "韓国語"
    if HAN.search(text) and not KANA.search(text):
        return "中国語"
    if LATIN.search(text):
        return "英語など（ラテン文字）"
    return "その他"


def _languages(report: Report, residents: Iterable[Message]) -> None:
    counts = Counter(language_of(m.text) for m in residents).most_common()
    report.tables["languages"] = Table("languages", "使われた言語", ["言語", "質問数"],
                                       [[lang, n] for lang, n in counts])
    report.charts["languages"] = charts.bars("使われた言語", [c[0] for c in counts],
                                             [c[1] for c in counts])


def _response_times(s: Session, report: Report, lo: datetime, hi: datetime) -> None:
    q = select(Escalation).where(Escalation.created_at >= lo, Escalation.created_at < hi)
    if report.period.department:
        q = q.where(Escalation.department == report.period.department)
    waits: dict[str, list[float]] = defaultdict(list)
    opened: Counter[str] = Counter()
    for esc in s.scalars(q):
        dept = esc.department or "（未設定）"
        opened[dept] += 1
        first = s.scalar(select(Message.created_at).where(
            Message.conversation_id == esc.conversation_id, Message.role == "staff",
            Message.created_at >= esc.created_at).order_by(Message.id))
        if first is not None:
            waits[dept].append((first - esc.created_at).total_seconds() / 60)
    rows = []
    for dept, n in opened.most_common():
        w = sorted(waits[dept])
        rows.append([dept, n, len(w), n - len(w),
                     round(statistics.median(w), 1) if w else "",
                     round(w[min(len(w) - 1, int(0.9 * len(w)))], 1) if w else ""])
    report.tables["response"] = Table(
        "response", "職員の応答時間（引き継ぎから最初の返信まで）",
        ["担当課", "引き継ぎ", "返信済み", "未返信", "中央値（分）", "90%（分）"], rows)
