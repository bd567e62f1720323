"""How a staff reply reaches a resident: one Notifier interface, one adapter per channel."""

from __future__ import annotations

from typing import Protocol

from bot.store.models import Conversation, Message


class Notifier(Protocol):
    def notify(self, conversation: Conversation, message: Message) -> None:
        """Deliver a message that did not come as a direct reply (staff answer, system note)."""


class WebNotifier:
    """The web page polls its thread, so a stored message is already delivered."""

    def notify(self, conversation: Conversation, message: Message) -> None:
        return None


class ChannelNotifier:
    """Routes to the adapter of the conversation's channel."""

    def __init__(self, adapters: dict[str, Notifier]) -> None:
        self.adapters = adapters

    def notify(self, conversation: Conversation, message: Message) -> None:
        adapter = self.adapters.get(conversation.channel)
        if adapter is not None:
            adapter.notify(conversation, message)
