"""Follow-ups marked done from phones (a new sync item type, follow_up_done).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BEFORE = ('visit', 'dispute', 'dispute_event', 'zero_report')
AFTER = BEFORE + ('follow_up_done',)


def _item_types(types):
    """sync_item's CHECK on item_type: PostgreSQL alters it in place; SQLite cannot, so the table (not a spatial
    one, nothing references it) is rebuilt by batch mode."""
    condition = "item_type IN (" + ", ".join(f"'{t}'" for t in types) + ")"
    with op.batch_alter_table('sync_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sync_item_item_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_item_item_type'), condition)


def upgrade():
    op.create_table('follow_up_done',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_follow_up_done_user_id_app_user'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_done')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_follow_up_done_visit_id'))
    )
    _item_types(AFTER)


def downgrade():
    # the outcomes of items whose table goes: the constraint of before would refuse them
    op.execute("DELETE FROM sync_item WHERE item_type = 'follow_up_done'")
    _item_types(BEFORE)
    op.drop_table('follow_up_done')
