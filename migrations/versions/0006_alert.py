"""Early warnings: alerts raised by the rules, with their inbox state.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reason_zh', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.CheckConstraint("rule IN ('repeat_dispute', 'cluster', 'high_risk', 'deadline', 'key_person_unvisited', "
                       "'zero_report_missed')", name=op.f('ck_alert_rule')),
    sa.CheckConstraint("severity IN ('high', 'medium', 'low')", name=op.f('ck_alert_severity')),
    sa.CheckConstraint("level IN ('village', 'town', 'county')", name=op.f('ck_alert_level')),
    sa.CheckConstraint("state IN ('open', 'acknowledged', 'closed')", name=op.f('ck_alert_state')),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['app_user.id'], name=op.f('fk_alert_acknowledged_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['closed_by'], ['app_user.id'], name=op.f('fk_alert_closed_by_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['grid_unit.id'], name=op.f('fk_alert_unit_id_grid_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('key', name=op.f('uq_alert_key'))
    )
    op.create_index(op.f('ix_alert_unit_id'), 'alert', ['unit_id'], unique=False)
    op.create_index('ix_alert_state_raised', 'alert', ['state', 'raised_at'], unique=False)


def downgrade():
    op.drop_index('ix_alert_state_raised', table_name='alert')
    op.drop_index(op.f('ix_alert_unit_id'), table_name='alert')
    op.drop_table('alert')
