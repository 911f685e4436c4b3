"""audio files and round video notes in conversations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

A farmer in service who sent a round video note (or an audio file) to the expert had it taken as a
new problem, since a conversation message could only be text, photo, voice, document, video or
location. Telegram sends each of these with its own method, so each is a kind of its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = ("text", "photo", "voice", "document", "video", "location")
AFTER = (*BEFORE, "video_note", "audio")


def _set_kinds(new: tuple[str, ...]) -> None:
    # A VARCHAR with a named CHECK (storage.models.base.str_enum): the CHECK is replaced; SQLite
    # rebuilds the table for it.
    with op.batch_alter_table("thread_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_thread_messages_messagekind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_thread_messages_messagekind"), sa.column("kind").in_(new))


def upgrade() -> None:
    _set_kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM thread_messages WHERE kind IN ('video_note', 'audio')")
    _set_kinds(BEFORE)
