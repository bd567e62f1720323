"""The webhook's size limit comes from LINE's own maxima: a body LINE may legitimately send is
accepted, and only a larger one is refused with 413."""

import json

from bot.channels import line as line_channel
from bot.channels.line_sim import make_event, webhook_body


def test_five_long_messages_in_one_webhook_are_accepted(line):
    events = [make_event("text", user=f"U{i:032x}", text="粗大ごみ" + "あ" * 4496)
              for i in range(5)]
    assert len(webhook_body(events)) > 65536  # larger than the API's own body limit
    r = line.post(*events)
    assert r.status_code == 200, r.text
    assert line.channel.join(60)


def test_the_largest_message_line_allows_is_accepted_even_json_escaped(line):
    text = "\U0001f600" * (line_channel.LINE_MAX_TEXT // 2)  # 5,000 UTF-16 units
    body = ('{"destination":"Ubot","events":[' + ",".join(
        json.dumps(make_event("text", user=f"U{i:032x}", text=text))
        for i in range(3)) + "]}").encode()
    assert len(body) < line_channel.MAX_BODY
    r = line.post(body=body)
    assert r.status_code == 200, r.text
    assert line.channel.join(60)


def test_a_body_beyond_lines_maxima_is_refused_with_413(line):
    body = b'{"destination":"Ubot","events":[]' + b" " * line_channel.MAX_BODY + b"}"
    r = line.post(body=body)
    assert r.status_code == 413
