"""issue 14: Idempotency-Key of web chat requests

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'chat_requests',
        sa.Column('conversation_id', sa.String(length=36), nullable=False),
        sa.Column('key', sa.String(length=128), nullable=False),
        sa.Column('resident_message_id', sa.Integer(), nullable=True),
        sa.Column('bot_message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
        sa.PrimaryKeyConstraint('conversation_id', 'key'),
    )


def downgrade() -> None:
    op.drop_table('chat_requests')
