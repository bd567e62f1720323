"""Phone numbers in page text as tap-to-call links (the same rule the chat script and LINE use)."""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.channels.line_format import PHONE, tel_uri


def tel_links(text: str) -> Markup:
    """`text` escaped, with every phone number a `tel:` link."""
    out, at = [], 0
    for m in PHONE.finditer(text):
        number = m.group(0)
        out += [escape(text[at:m.start()]),
                Markup('<a class="tel" href="{}" aria-label="{} に電話する">{}</a>').format(
                    tel_uri(number), number, number)]
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)
