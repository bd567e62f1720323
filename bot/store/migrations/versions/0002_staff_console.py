"""staff console: forced password change, editable FAQ candidates, approved FAQs in the database,
FAQ history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 06:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('faq_candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='new'))
        batch_op.add_column(sa.Column('target_doc_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('variants', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('review_comment', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=False,
                                      server_default=sa.func.now()))
    approved = op.create_table(
        'approved_faqs',
        sa.Column('doc_id', sa.String(length=64), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=128), nullable=False),
        sa.Column('department', sa.String(length=128), nullable=False),
        sa.Column('contact', sa.String(length=64), nullable=False),
        sa.Column('url', sa.String(length=512), nullable=False),
        sa.Column('variants', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('approved_by', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['approved_by'], ['staff.id'], ),
        sa.ForeignKeyConstraint(['candidate_id'], ['faq_candidates.id'], ),
        sa.PrimaryKeyConstraint('doc_id'),
    )
    op.create_table(
        'faq_events',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['faq_candidates.id'], ),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('faq_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_events_candidate_id'), ['candidate_id'],
                              unique=False)
    # FAQs approved before this revision lived only in the CSV; their candidates hold them.
    rows = op.get_bind().execute(sa.text(
        "SELECT id, doc_id, question, answer, category, department, contact, decided_by, "
        "decided_at, created_at FROM faq_candidates WHERE status = 'approved' "
        "AND doc_id IS NOT NULL")).fetchall()
    op.bulk_insert(approved, [
        {"doc_id": r.doc_id, "question": r.question, "answer": r.answer,
         "category": r.category or "職員回答", "department": r.department,
         "contact": r.contact, "url": "", "variants": [], "status": "active",
         "candidate_id": r.id, "approved_by": r.decided_by,
         "approved_at": r.decided_at or r.created_at, "withdrawn_at": None} for r in rows])


def downgrade() -> None:
    with op.batch_alter_table('faq_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_events_candidate_id'))
    op.drop_table('faq_events')
    op.drop_table('approved_faqs')
    with op.batch_alter_table('faq_candidates', schema=None) as batch_op:
        for name in ('updated_at', 'review_comment', 'variants', 'target_doc_id', 'kind'):
            batch_op.drop_column(name)
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
