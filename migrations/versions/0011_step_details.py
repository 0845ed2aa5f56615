"""What a dispute step records besides its note: the notice of a refusal, the four fixes of an assignment, the
agreement of a resolution (dispute_event.details, JSON).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 13:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN on both back ends (SQLite need not rebuild the spatial table)
    op.add_column('dispute_event', sa.Column('details', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    op.drop_column('dispute_event', 'details')
