"""Generative answers (optional): a LangChain chat model composes a short answer from the
passages retrieved in this turn, and code checks every sentence against them before a resident
sees it. Anything that fails falls back to the extractive reply.

model.py    settings → LangChain `BaseChatModel` (OpenAI-compatible server, Azure OpenAI)
prompt.py   the prompt (a data file), passages quoted as data, the target language
facts.py    normalization and the facts an answer asserts (numbers, dates, phones, URLs, names)
checks.py   the checks, each a pure function with a result and a reason
composer.py extractive pass-through, or generate → check → use or fall back (traced)
"""
