"""The county's alert on bulk reveals of personal numbers (issue 22 point 6): a new alert rule, bulk_reveal.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-09 10:00:00

"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

BEFORE = ('repeat_dispute', 'cluster', 'high_risk', 'deadline', 'key_person_unvisited', 'zero_report_missed')
AFTER = BEFORE + ('bulk_reveal',)


def _rules(rules):
    """alert's CHECK on rule: PostgreSQL alters it in place; SQLite cannot, so the table (not a spatial one, nothing
    references it) is rebuilt by batch mode."""
    condition = "rule IN (" + ", ".join(f"'{r}'" for r in rules) + ")"
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_alert_rule'), type_='check')
        batch_op.create_check_constraint(op.f('ck_alert_rule'), condition)


def upgrade():
    _rules(AFTER)


def downgrade():
    op.execute("DELETE FROM alert WHERE rule = 'bulk_reveal'")  # the constraint of before would refuse them
    _rules(BEFORE)
