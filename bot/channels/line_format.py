"""Replies as LINE messages: pure functions from what the bot says to Messaging API objects,
within LINE's limits (text ≤ 5,000, ≤ 5 messages per call, ≤ 13 quick replies, labels ≤ 20,
postback data ≤ 300, Flex altText ≤ 1,500). LINE counts UTF-16 code units, so we do too."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexSeparator,
    FlexText,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

from bot.service.languages import LANG_PATTERN

MAX_TEXT = 5000
MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_ACTION_TEXT = 300
MAX_ALT_TEXT = 1500
MAX_URI = 1000
MAX_SOURCES = 5

GREETING = (
    "友だち追加ありがとうございます。{city_name}の問い合わせ窓口（自動応答）です。\n\n"
    "手続きや暮らしのことを、ふだんの言葉でこのトークに送ってください。市の資料の文面を、"
    "出典（ページや条文）と担当課を添えてご案内します。\n\n"
    "自動応答で解決しないときは、回答の下の「職員に相談」を押すか、「職員に相談したい」と"
    "送ってください。職員が確認して、このトークでお返事します。\n"
    "お急ぎの場合は代表電話（{city_phone}）へ。火事・救急は119番、事件・事故は110番へ"
    "電話してください。\n\n"
    "※マイナンバー、口座番号などの個人情報は送らないでください。"
)
ONLY_TEXT = ("申し訳ありません。スタンプ・画像・音声・動画・位置情報・ファイルには"
             "お答えできません。ご質問は文字で送ってください。")
GROUP_NOTE = ("このアカウントは、グループやトークルームでのご質問にはお答えしていません。"
              "個人情報を守るため、ご質問はこのアカウントとの1対1のトークで送ってください。")
FEEDBACK_THANKS = "ご評価ありがとうございます。今後の改善に役立てます。"
FEEDBACK_SORRY = ("ご評価ありがとうございます。うまくお答えできず申し訳ありません。"
                  "言い方を変えてもう一度質問するか、「職員に相談」を押してください。")
FEEDBACK_UNKNOWN = "この回答は評価できませんでした。お手数ですが、もう一度質問してください。"
INVALID = ("申し訳ありません。読み取れない文字（制御文字など）が含まれていたため、"
           "このメッセージにはお答えできませんでした。文字を確かめて、もう一度お送りください。")
FAULT = ("申し訳ありません。システムで問題が起きたため、お答えできませんでした。時間をおいて"
         "もう一度お試しいただくか、代表電話（{city_phone}）へお問い合わせください。")
STAFF_HEADING = "【職員からのお返事】"
TRUNCATED = "\n…（長いため、ここまでを表示しています）"
ELLIPSIS = "…"

HELPFUL, NOT_HELPFUL, PERSON = "役に立った", "役に立たなかった", "職員に相談"
PERSON_TEXT = "職員に相談したい"


def units(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units: most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` units, ending in `ellipsis` when it was cut."""
    if units(text) <= limit:
        return text
    return _prefix(text, limit - units(ellipsis)).rstrip() + ellipsis


def _prefix(text: str, limit: int) -> str:
    """The longest prefix within `limit` units (never half of a surrogate pair)."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:i]
    return text


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut `text` into pieces of at most `limit` units, at a paragraph, line or sentence end
    when one falls in the second half of a piece."""
    parts: list[str] = []
    rest = text.strip()
    while units(rest) > limit:
        head = _prefix(rest, limit)
        cut = len(head)
        for sep in ("\n\n", "\n", "。", "、"):
            i = head.rfind(sep)
            if i >= len(head) // 2:
                cut = i + len(sep)
                break
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def fit(parts: list[str], count: int, limit: int = MAX_TEXT) -> list[str]:
    """At most `count` pieces; when there are more, the last one kept says it was cut."""
    if len(parts) <= count:
        return parts
    if count <= 0:
        return []
    last = _prefix(parts[count - 1], limit - units(TRUNCATED)).rstrip()
    return [*parts[:count - 1], last + TRUNCATED]


@dataclass(frozen=True)
class Outgoing:
    """What one bot turn says, before it becomes LINE messages."""

    body: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    decision: str = ""
    outcome: str = ""
    message_id: int | None = None
    emergency: str = ""
    lang: str = "ja"  # the reply's language: postbacks carry it, so their replies keep it
    labels: dict[str, str] = field(default_factory=dict)  # quick-reply labels in `lang`

    def label(self, key: str) -> str:
        return self.labels.get(key) or LABELS[key]


LABELS = {"helpful": HELPFUL, "not_helpful": NOT_HELPFUL, "person": PERSON,
          "person_request": PERSON_TEXT}


def strip_sources(answer: str, heading: str) -> str:
    """The answer without its trailing sources list (LINE shows the sources on their own)."""
    at = answer.rfind("\n" + heading)
    return answer[:at].rstrip() if at >= 0 else answer


def messages(out: Outgoing, flex: bool = True) -> list[Message]:
    """The LINE messages of one turn: body (split when long), sources, notices; quick replies
    on the last message, because LINE only shows them there."""
    tail: list[Message] = []
    if out.citations:
        tail.append(sources_bubble(out.citations) if flex else
                    TextMessage(text=clip(sources_text(out.citations), MAX_TEXT)))
    notices = "\n\n".join(n for n in out.notices if n.strip())
    if notices:
        tail.append(TextMessage(text=clip(notices, MAX_TEXT)))
    if out.emergency == "certain":
        body: list[Message] = [emergency_bubble(out.body)]
    else:
        body = [TextMessage(text=p) for p in fit(split_text(out.body),
                                                 MAX_MESSAGES - len(tail))]
    result = [*body, *tail] or [TextMessage(text=ELLIPSIS)]
    items = quick_items(out)
    if items:
        result[-1].quick_reply = QuickReply(items=items)
    return result


def text_messages(text: str, items: list[QuickReplyItem] | None = None) -> list[Message]:
    """A plain text as up to five messages (quick replies, if any, on the last)."""
    result: list[Message] = [TextMessage(text=p) for p in fit(split_text(text), MAX_MESSAGES)]
    result = result or [TextMessage(text=ELLIPSIS)]
    if items:
        result[-1].quick_reply = QuickReply(items=items[:MAX_QUICK_REPLIES])
    return result


def push_messages(role: str, text: str) -> list[Message]:
    """A message that reaches the resident by push: a staff answer or a system note."""
    return text_messages(f"{STAFF_HEADING}\n{text}" if role == "staff" else text,
                         call_items(text))


# -- quick replies -------------------------------------------------------------------------

def quick_items(out: Outgoing) -> list[QuickReplyItem]:
    """A call button for each phone number of the reply (emergency numbers first), then
    feedback and 職員に相談 under an answer, or the candidate questions under a clarify."""
    calls = call_items("\n".join([out.body, *out.notices]))
    if out.decision == "answer" and out.message_id is not None:
        rest = [*feedback_items(out.message_id, out), person_item(out)]
    elif out.decision == "clarify":
        picks = [choice_item(c.get("label", "")) for c in out.choices if c.get("label")]
        rest = [*picks[:MAX_QUICK_REPLIES - 1 - len(calls)], person_item(out)]
    else:
        rest = []
    return [*calls[:MAX_QUICK_REPLIES - len(rest)], *rest]


# A phone number as replies write it: 0199-21-1111, 0570-064-556, #7119, or one of the
# three-digit emergency numbers when it stands alone (「119」「110番」, not 「第119条」).
PHONE = re.compile(r"(?<![\d\-#第])(?:0\d{1,4}-\d{1,4}-\d{3,4}|#\d{4}"
                   r"|(?:110|119|189)(?=番|\s|$|[)）/／、。・,]))(?![\d\-])")


def phone_numbers(text: str) -> list[str]:
    """The phone numbers in `text`, in order, each once."""
    return list(dict.fromkeys(PHONE.findall(text)))


def tel_uri(number: str) -> str:
    """`tel:` URI of a number as written (# becomes %23)."""
    return "tel:" + quote(number.replace("-", ""), safe="")


def call_items(text: str) -> list[QuickReplyItem]:
    """One 「…に電話」 quick reply per phone number in the text."""
    return [QuickReplyItem(action=URIAction(label=clip(f"{n}に電話", MAX_LABEL),
                                            uri=tel_uri(n))) for n in phone_numbers(text)]


def emergency_bubble(body: str) -> FlexMessage:
    """The fixed emergency reply as a red-headed bubble with a call button per number."""
    rows: list[Any] = [FlexText(text=clip(body, 2000), wrap=True, size="md")]
    for n in phone_numbers(body)[:6]:
        rows.append(FlexButton(action=URIAction(label=clip(f"{n} に電話する", MAX_LABEL),
                                                uri=tel_uri(n)), style="primary",
                               color="#C62828", height="sm", margin="sm"))
    header = FlexBox(layout="vertical", background_color="#C62828", contents=[
        FlexText(text="緊急", weight="bold", size="lg", color="#FFFFFF")])
    bubble = FlexBubble(header=header,
                        body=FlexBox(layout="vertical", spacing="sm", contents=rows))
    return FlexMessage(alt_text=clip(body, MAX_ALT_TEXT), contents=bubble)


def feedback_items(message_id: int, out: Outgoing | None = None) -> list[QuickReplyItem]:
    out = out or Outgoing("")
    return [_postback(out.label(key), {"action": "feedback", "message_id": message_id,
                                       "helpful": helpful, **_lang(out)})
            for key, helpful in (("helpful", 1), ("not_helpful", 0))]


def person_item(out: Outgoing | None = None) -> QuickReplyItem:
    out = out or Outgoing("")
    return _postback(out.label("person"), {"action": "handoff", **_lang(out)},
                     display=out.label("person_request"))


def _lang(out: Outgoing) -> dict[str, str]:
    return {"lang": out.lang} if out.lang != "ja" else {}


def choice_item(label: str) -> QuickReplyItem:
    """Tapping sends the candidate question as the resident's own message."""
    return QuickReplyItem(action=MessageAction(label=clip(label, MAX_LABEL),
                                               text=clip(label, MAX_ACTION_TEXT)))


def _postback(label: str, data: dict[str, Any], display: str | None = None) -> QuickReplyItem:
    return QuickReplyItem(action=PostbackAction(label=clip(label, MAX_LABEL),
                                                data=urlencode(data),
                                                display_text=clip(display or label,
                                                                  MAX_ACTION_TEXT)))


@dataclass(frozen=True)
class Postback:
    action: str
    message_id: int | None = None
    helpful: bool | None = None
    lang: str = "ja"


def parse_postback(data: str) -> Postback | None:
    """The postback we put on a quick reply or the rich menu, or None for anything else."""
    fields = {k: v[0] for k, v in parse_qs(data or "").items()}
    action = fields.get("action", "")
    lang = fields.get("lang", "ja")
    lang = lang if re.fullmatch(LANG_PATTERN, lang) else "ja"
    if action in ("handoff", "languages"):
        return Postback(action, lang=lang)
    if action == "feedback":
        mid, helpful = fields.get("message_id", ""), fields.get("helpful", "")
        if mid.isdigit() and helpful in ("0", "1"):
            return Postback("feedback", int(mid), helpful == "1", lang)
    return None


# -- sources -------------------------------------------------------------------------------

def sources_text(citations: list[dict[str, Any]]) -> str:
    """Compact sources list: one short block per citation."""
    lines = ["【出典】"]
    for c in citations:
        lines.append(f"[{c.get('n', '')}] {c.get('locator') or c.get('title', '')}")
        if c.get("department"):
            contact = f"（電話 {c['contact']}）" if c.get("contact") else ""
            lines.append(f"担当: {c['department']}{contact}")
        if _web_url(c.get("url", "")):
            lines.append(c["url"])
    return "\n".join(lines)


def sources_bubble(citations: list[dict[str, Any]]) -> FlexMessage:
    """The sources as one Flex bubble: title, article or section, department, and buttons
    to open the page or call the department."""
    rows: list[Any] = [FlexText(text="出典", weight="bold", size="md")]
    for c in citations[:MAX_SOURCES]:
        rows.append(FlexSeparator(margin="md"))
        rows.extend(_source_rows(c))
    if len(citations) > MAX_SOURCES:
        rows.append(FlexText(text=f"ほか {len(citations) - MAX_SOURCES} 件", size="xs",
                             color="#666666"))
    bubble = FlexBubble(body=FlexBox(layout="vertical", spacing="sm", contents=rows))
    return FlexMessage(alt_text=clip(sources_text(citations), MAX_ALT_TEXT), contents=bubble)


def _source_rows(c: dict[str, Any]) -> list[Any]:
    title = clip(str(c.get("title") or c.get("locator") or ""), 200)
    rows: list[Any] = [FlexText(text=f"[{c.get('n', '')}] {title}", weight="bold", size="sm",
                                wrap=True, margin="md")]
    locator = str(c.get("locator") or "")
    if locator and locator != title:
        rows.append(FlexText(text=clip(locator, 200), size="xs", color="#555555", wrap=True))
    if c.get("department"):
        rows.append(FlexText(text=clip(f"担当: {c['department']}", 200), size="xs",
                             color="#555555", wrap=True))
    url = str(c.get("url") or "")
    if _web_url(url):
        rows.append(FlexButton(action=URIAction(label="ページを開く", uri=url), style="link",
                               height="sm"))
    tel = _tel(str(c.get("contact") or ""))
    if tel:
        rows.append(FlexButton(action=URIAction(label=clip(f"電話 {c['contact']}", MAX_LABEL),
                                                uri=tel), style="link", height="sm"))
    return rows


def _web_url(url: str) -> bool:
    return url.startswith(("https://", "http://")) and units(url) <= MAX_URI and " " not in url


def _tel(contact: str) -> str:
    digits = contact.replace("-", "").replace("‐", "").strip()
    return f"tel:{digits}" if digits.isdigit() and 6 <= len(digits) <= 15 else ""
