"""What the bot needs to route conversations: which Telegram message belongs to which request."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedAt


class MessageLink(CreatedAt, Base):
    """A message the bot delivered in a chat on behalf of a request: replying to it answers that request."""

    __tablename__ = "message_links"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)


class RequestTopic(Base):
    """The forum topic an expert's private chat holds for a request (Bot API topics in private chats)."""

    __tablename__ = "request_topics"
    __table_args__ = (UniqueConstraint("chat_id", "message_thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_thread_id: Mapped[int] = mapped_column(BigInteger)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)


class Cursor(Base):
    """How far a background worker has read an append-only table (the notifier reads request_events)."""

    __tablename__ = "cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
