"""Evidence: photos and documents attached to visits, disputes and dispute steps (issue 18).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('original_content_type', sa.String(length=40), nullable=False),
    sa.Column('original_size', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('distance_m', sa.Float(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attached_type', sa.String(length=16), nullable=True),
    sa.Column('attached_id', sa.Uuid(), nullable=True),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('photo', 'document')", name=op.f('ck_attachment_kind')),
    sa.CheckConstraint("attached_type IS NULL OR attached_type IN ('visit', 'dispute', 'dispute_event')",
                       name=op.f('ck_attachment_attached_type')),
    sa.CheckConstraint('(attached_type IS NULL) = (attached_id IS NULL)',
                       name=op.f('ck_attachment_attached_both_or_neither')),
    sa.CheckConstraint('size >= 0', name=op.f('ck_attachment_size_non_negative')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_id_app_user'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    op.create_index('ix_attachment_attached', 'attachment', ['attached_type', 'attached_id'], unique=False)
    op.create_index(op.f('ix_attachment_uploaded_by_id'), 'attachment', ['uploaded_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_attachment_uploaded_by_id'), table_name='attachment')
    op.drop_index('ix_attachment_attached', table_name='attachment')
    op.drop_table('attachment')
