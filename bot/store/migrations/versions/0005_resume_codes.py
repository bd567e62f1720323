"""issue 19: resume codes (continue a web conversation on another device)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'resume_codes',
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('conversation_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
        sa.PrimaryKeyConstraint('code_hash'),
    )
    with op.batch_alter_table('resume_codes', schema=None) as batch_op:
        batch_op.create_index('ix_resume_codes_conversation_id', ['conversation_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resume_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_resume_codes_conversation_id')
    op.drop_table('resume_codes')
