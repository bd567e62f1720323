"""question variants (言い換え) per FAQ, with who/when/why, proposed and approved by staff

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'question_variants',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('doc_id', sa.String(length=128), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('origin', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('proposed_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_comment', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['question_variants.id'], ),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ),
        sa.ForeignKeyConstraint(['proposed_by'], ['staff.id'], ),
        sa.ForeignKeyConstraint(['decided_by'], ['staff.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('question_variants', schema=None) as batch_op:
        batch_op.create_index('ix_question_variants_doc_id', ['doc_id'], unique=False)
        batch_op.create_index('ix_question_variants_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('question_variants', schema=None) as batch_op:
        batch_op.drop_index('ix_question_variants_status')
        batch_op.drop_index('ix_question_variants_doc_id')
    op.drop_table('question_variants')
