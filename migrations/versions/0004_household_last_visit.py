"""Each household's latest visit, kept by a trigger on visit: coverage over a recent window becomes a
scan of households instead of a distinct count over a month of visits.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE: batch mode would rebuild the spatial table and lose its SpatiaLite geometry registration
    op.add_column('household', sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_household_cell_last_visit', 'household', ['cell_id', 'last_visit_at'])
    op.execute("UPDATE household SET last_visit_at = "
               "(SELECT MAX(visited_at) FROM visit WHERE visit.household_id = household.id)")
    if op.get_bind().dialect.name == "postgresql":
        # one UPDATE per statement, so COPY of a million visits does not fire a million updates
        op.execute("""
            CREATE FUNCTION household_last_visit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE household h SET last_visit_at = n.latest
              FROM (SELECT household_id, MAX(visited_at) AS latest FROM new_visits GROUP BY household_id) n
              WHERE h.id = n.household_id AND (h.last_visit_at IS NULL OR h.last_visit_at < n.latest);
              RETURN NULL;
            END $$""")
        op.execute("""CREATE TRIGGER visit_household_last_visit AFTER INSERT ON visit
                      REFERENCING NEW TABLE AS new_visits
                      FOR EACH STATEMENT EXECUTE FUNCTION household_last_visit()""")
    else:
        op.execute("""CREATE TRIGGER visit_household_last_visit AFTER INSERT ON visit BEGIN
                        UPDATE household SET last_visit_at = NEW.visited_at
                        WHERE id = NEW.household_id AND (last_visit_at IS NULL OR last_visit_at < NEW.visited_at);
                      END""")


def downgrade():
    op.execute("DROP TRIGGER visit_household_last_visit" +
               (" ON visit" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION household_last_visit()")
    op.drop_index('ix_household_cell_last_visit', table_name='household')
    op.drop_column('household', 'last_visit_at')
