"""The household's latest visit without an index (issue 21 point 4), so the trigger's update of it, and a push's mark
of the household as changed (updated_at), can be HOT on PostgreSQL: an update that changes no indexed column and
finds room on its page writes no index entries and leaves a dead tuple that page pruning clears without VACUUM. With
ix_household_cell_last_visit every visit added an entry to each of the household's indexes and a dead row to vacuum.
Coverage never read the index on a county's scale (its plan scans the households of the area by cell and filters on
registration and retirement too); a side table of last visits kept the household row untouched but made coverage a
join, 1.7 times as slow on 300,000 households.

The table is filled to 90 % from now on, leaving each page room for its rows' next versions; pages already full get
room as VACUUM prunes them (a rewrite to apply it at once, VACUUM FULL, is the operator's to schedule).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 09:00:00

"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

FILLFACTOR = 90


def upgrade():
    op.drop_index('ix_household_cell_last_visit', table_name='household')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE household SET (fillfactor = {FILLFACTOR})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE household RESET (fillfactor)")
    op.create_index('ix_household_cell_last_visit', 'household', ['cell_id', 'last_visit_at'])
