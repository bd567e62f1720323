"""issue 14: durable LINE intake (line_events replaces processed_events)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'line_events',
        sa.Column('event_id', sa.String(length=128), nullable=False),
        sa.Column('chat', sa.String(length=128), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('received', sa.Float(), nullable=False),
        sa.Column('owner', sa.String(length=32), nullable=False),
        sa.Column('lease_until', sa.Float(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('processed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_index('ix_line_events_status', 'line_events', ['status'])
    op.create_index('ix_line_events_created_at', 'line_events', ['created_at'])
    # Events handled before: done, so a late redelivery is still not processed again.
    op.execute("INSERT INTO line_events (event_id, chat, body, status, received, owner, "
               "lease_until, attempts, error, created_at, processed_at) "
               "SELECT event_id, '', '', 'done', 0, '', 0, 0, '', created_at, created_at "
               "FROM processed_events")
    op.drop_table('processed_events')


def downgrade() -> None:
    op.create_table(
        'processed_events',
        sa.Column('event_id', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.execute("INSERT INTO processed_events (event_id, created_at) "
               "SELECT event_id, created_at FROM line_events WHERE status <> 'pending'")
    op.drop_index('ix_line_events_created_at', table_name='line_events')
    op.drop_index('ix_line_events_status', table_name='line_events')
    op.drop_table('line_events')
