"""Offline sync: item outcomes by client UUID, zero reports, settings; visit distance; cadre link times.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:38:35.562269

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('sync_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('item_type', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.JSON(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("item_type IN ('visit', 'dispute', 'dispute_event', 'zero_report')", name=op.f('ck_sync_item_item_type')),
    sa.CheckConstraint("status IN ('accepted', 'rejected')", name=op.f('ck_sync_item_status')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_sync_item_user_id_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_item'))
    )
    with op.batch_alter_table('sync_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_item_user_id'), ['user_id'], unique=False)

    op.create_table('zero_report',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('nothing_to_report', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('monthly', 'daily')", name=op.f('ck_zero_report_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_zero_report_author_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cell_id'], ['grid_unit.id'], name=op.f('fk_zero_report_cell_id_grid_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zero_report')),
    sa.UniqueConstraint('cell_id', 'kind', 'period', name='uq_zero_report_cell_period')
    )
    # plain ALTER TABLE ADD COLUMN (no table rebuild on SQLite); existing links count as changed now
    op.add_column('cadre_link', sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cadre_link SET updated_at = CURRENT_TIMESTAMP")
    op.add_column('visit', sa.Column('distance_m', sa.Float(), nullable=True))



def downgrade():
    # ALTER TABLE … DROP COLUMN: SQLite ≥ 3.35 has it, and a table rebuild would trip over SpatiaLite's triggers
    op.execute("ALTER TABLE visit DROP COLUMN distance_m")
    op.execute("ALTER TABLE cadre_link DROP COLUMN updated_at")

    op.drop_table('zero_report')
    with op.batch_alter_table('sync_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_item_user_id'))

    op.drop_table('sync_item')
    op.drop_table('setting')
