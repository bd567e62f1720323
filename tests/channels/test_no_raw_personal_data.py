"""No code path keeps an original personal value: every test-split message of the
personal-data gold goes through the web API and through LINE (real app, real SDK, fake LINE
API); then the SQLite file, every file the server wrote, the captured logs, the staff console's
pages and the bodies the fake LINE API received are searched for each value as typed, as NFKC
folds it, as JSON escapes it, and (for long numbers) as bare digits; numbers shorter than six
characters are left out of the search, and a number counts only where it stands on its own,
not inside a longer run of digits (both occur by chance in ids and timestamps).

The values searched for are those the masker detects in the message (how many it detects is
the detector's recall, measured by `madoguchi eval pii`); a value detected at the boundary and
still found anywhere means some path kept the raw text."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.channels.line_sim import make_event
from bot.safety.folding import strip_hidden
from eval import pii as pii_eval

from .conftest import Line

PASSWORD = "correct-horse-battery"


def _forms(value: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", strip_hidden(value))
    forms = {value, folded, strip_hidden(value)}
    digits = re.sub(r"[^0-9]", "", folded)
    if len(digits) >= 8:
        forms.add(digits)
    # A short run of digits (記号 7104 番号 223) is masked like any value, but finding it again
    # among message ids, timestamps and hashes would say nothing: only distinctive forms count.
    # So is a one-character name (娘 結): any reply may hold 結果. The test is on the form
    # itself, before JSON escapes it (\u7d50 is six characters, but no more distinctive).
    forms = {f for f in forms if len(f.strip()) >= 2
             and not (re.fullmatch(r"[0-9 .\-]+", f.strip()) and len(f.strip()) < 6)}
    return forms | {json.dumps(f)[1:-1] for f in forms}  # how a JSON column stores it


def _messages() -> list[pii_eval.PiiGold]:
    return [g for g in pii_eval.load(split="test") if g.values]


def _needle(form: str) -> re.Pattern[bytes]:
    """A form as it would stand if kept: a number of digits only counts as a number of its own,
    not inside a longer run of digits (LINE's random 18-digit message ids and the timestamps
    contain a given 7-digit account number by chance, about once in twelve runs)."""
    raw = re.escape(form.encode("utf-8"))
    return re.compile(rb"(?<![0-9])" + raw + rb"(?![0-9])" if form.isdigit() else raw)


def _leaks(haystacks: dict[str, bytes], values: list[tuple[str, str]]) -> list[str]:
    found = []
    for kind, value in values:
        for form in _forms(value):
            needle = _needle(form)
            found += [f"{kind} {value!r} as {form!r} in {where}"
                      for where, data in haystacks.items() if needle.search(data)]
    return found


def test_a_number_inside_a_longer_run_of_digits_is_not_a_leak():
    values = [("bank_account", "０６７２１９４")]
    assert _leaks({"ids": b'{"id": "184406721947730012"}'}, values) == []
    assert _leaks({"text": "口座 0672194 です".encode()}, values) != []
    assert _leaks({"json": b'"0672194"'}, values) != []


@pytest.mark.slow
def test_no_original_value_is_kept_anywhere(line_app_factory, line_settings, fake, tmp_path,
                                            caplog):
    caplog.set_level(logging.DEBUG)
    settings = line_settings()
    settings.limits.per_ip = settings.limits.per_resident = "100000/minute"
    app = line_app_factory(settings)
    line = Line(app, fake)
    web = TestClient(app)
    services = app.state.services
    gold = _messages()
    assert len(gold) >= 100
    for start in range(0, len(gold), 5):  # LINE batches events: five per webhook here
        batch = gold[start:start + 5]
        r = line.post(*[make_event("text", user=f"U{start + i:032x}", text=g.text)
                        for i, g in enumerate(batch)])
        assert r.status_code == 200, r.text
    for number, g in enumerate(gold):
        r = web.post("/api/chat", json={"message": g.text})
        assert r.status_code == 200, r.text
        assert r.json()["answer"]
        if number % 10 == 0:  # some conversations go to staff, so escalations hold traces
            token = {"X-Conversation-Token": r.json()["token"]}
            cid = r.json()["conversation_id"]
            web.post(f"/api/conversations/{cid}/handoff", headers=token)
    assert line.channel.join(120)
    assert len(fake.calls(ok_only=False)) >= len(gold)

    with services.db.session() as s:
        services.staff.add(s, "admin", PASSWORD, "admin")
    staff = TestClient(app, base_url="https://testserver")
    page = staff.get("/staff/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    staff.post("/staff/login", data={"name": "admin", "password": PASSWORD,
                                     "csrf": token.group(1)})
    queue = staff.get("/staff")
    pages = {"staff queue": queue.content}
    for esc_id in sorted(set(re.findall(r"/staff/escalations/(\d+)", queue.text)))[:20]:
        pages[f"staff escalation {esc_id}"] = staff.get(f"/staff/escalations/{esc_id}").content
    assert len(pages) > 1, "no escalation reached the staff queue"

    services.db.engine.dispose()
    haystacks: dict[str, bytes] = {f"file {p.relative_to(tmp_path)}": p.read_bytes()
                                   for p in Path(tmp_path).rglob("*") if p.is_file()}
    assert any(name.endswith("line.db") for name in haystacks)
    haystacks["logs"] = "\n".join(r.getMessage() + (r.exc_text or "")
                                  for r in caplog.records).encode("utf-8")
    haystacks["LINE API bodies"] = json.dumps([c.body for c in fake.calls(ok_only=False)],
                                              ensure_ascii=False).encode("utf-8")
    haystacks.update(pages)
    masker = services.chat.pipeline.safety.masker
    values = []
    for g in gold:
        row = pii_eval.score(g, [(sp.start, sp.end) for sp in masker.find(g.text)])
        values += list(row.caught)
    assert len(values) >= 250
    leaks = _leaks(haystacks, values)
    assert leaks == [], f"{len(leaks)} leaks, e.g. {leaks[:10]}"


def test_a_one_character_name_is_not_looked_for_in_any_encoding():
    assert _forms("結") == set()
    assert "\\u7d50\\u8863" in _forms("結衣")
