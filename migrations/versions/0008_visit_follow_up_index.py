"""An index of the visits with a follow-up date, for pull (it scanned every visit: 50 ms of each pull on
the demo county).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 18:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_visit_follow_up_on', 'visit', ['follow_up_on'],
                    postgresql_where=sa.text("follow_up_on IS NOT NULL"), sqlite_where=sa.text("follow_up_on IS NOT NULL"))


def downgrade():
    op.drop_index('ix_visit_follow_up_on', table_name='visit')
