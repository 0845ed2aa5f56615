"""The phones that sync (issue 19 point 6): per phone (its own UUID, sent as X-Device-Id) and user, the last pull and
push by the server's clock and the phone's user agent, for the worker-activity report.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_sync',
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_pull_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_push_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_device_sync_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id', 'user_id', name=op.f('pk_device_sync'))
    )
    op.create_index(op.f('ix_device_sync_user_id'), 'device_sync', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_device_sync_user_id'), table_name='device_sync')
    op.drop_table('device_sync')
