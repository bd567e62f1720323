"""Safety and privacy checks for residents' messages: personal-data masking (`pii`), prompt
injection and hidden Unicode (`injection`) and per-key rate limits (`ratelimit`).

Every module here is pure or holds only its own state; nothing is wired in at import time.
"""
