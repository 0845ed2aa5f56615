"""The household register kept from the field and the office: a household's version (optimistic concurrency), the
phone's UUID, when it was registered and retired (注销); members' joining and leaving; moves between cells; and the
two sync item types that carry these changes from phones.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ITEM_TYPES = ('visit', 'dispute', 'dispute_event', 'zero_report', 'follow_up_done')
NEW_ITEM_TYPES = ('household_new', 'household_change')
RETIRE_REASONS = ('moved_away', 'died_out', 'merged', 'duplicate', 'other')
JOIN_REASONS = ('birth', 'marriage', 'move_in')
LEAVE_REASONS = ('death', 'marriage', 'move_out')
MOVE_STATES = ('pending', 'accepted', 'refused', 'cancelled')


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _item_types(types):
    """sync_item's CHECK on item_type, as 0009 changes it (sync_item is not spatial: batch mode may copy it)."""
    with op.batch_alter_table('sync_item', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sync_item_item_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sync_item_item_type'), _in('item_type', types))


def _add_coded_column(table, column, sql_type, values):
    """A nullable column holding one of the vocabulary codes, with its CHECK. PostgreSQL adds the constraint to the
    table; SQLite adds none to a table, and household is spatial (batch mode's copy would break its geometry and
    R*Tree triggers), so the CHECK goes with the column in one ADD COLUMN, which SQLite allows (and a column's own
    CHECK does not keep SQLite from dropping the column on the way down)."""
    name = f"ck_{table}_{column}"
    condition = f"{column} IS NULL OR {_in(column, values)}"
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sql_type, nullable=True))
        op.create_check_constraint(op.f(name), table, condition)
    else:
        ddl = sql_type.compile(dialect=op.get_bind().dialect)
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl} CONSTRAINT {name} CHECK ({condition})")


def upgrade():
    # plain ADD COLUMNs on both back ends: SQLite need not rebuild the spatial table
    op.add_column('household', sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
    op.add_column('household', sa.Column('client_id', sa.Uuid(), nullable=True))
    op.add_column('household', sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('household', sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    _add_coded_column('household', 'retire_reason', sa.String(length=12), RETIRE_REASONS)
    op.add_column('household', sa.Column('retire_note', sa.Text(), nullable=True))
    op.create_index(op.f('ix_household_client_id'), 'household', ['client_id'], unique=True)

    op.add_column('household_member', sa.Column('joined_on', sa.Date(), nullable=True))
    _add_coded_column('household_member', 'join_reason', sa.String(length=12), JOIN_REASONS)
    op.add_column('household_member', sa.Column('left_on', sa.Date(), nullable=True))
    _add_coded_column('household_member', 'leave_reason', sa.String(length=12), LEAVE_REASONS)

    op.create_table('household_move',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('from_cell_id', sa.Integer(), nullable=False),
    sa.Column('to_cell_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint(_in('state', MOVE_STATES), name=op.f('ck_household_move_state')),
    sa.CheckConstraint('from_cell_id <> to_cell_id', name=op.f('ck_household_move_other_cell')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_move_household_id_household'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_cell_id'], ['grid_unit.id'],
                            name=op.f('fk_household_move_from_cell_id_grid_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_cell_id'], ['grid_unit.id'], name=op.f('fk_household_move_to_cell_id_grid_unit'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['app_user.id'],
                            name=op.f('fk_household_move_requested_by_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'],
                            name=op.f('fk_household_move_decided_by_id_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_move'))
    )
    op.create_index(op.f('ix_household_move_household_id'), 'household_move', ['household_id'], unique=False)
    op.create_index(op.f('ix_household_move_to_cell_id'), 'household_move', ['to_cell_id'], unique=False)
    _item_types(ITEM_TYPES + NEW_ITEM_TYPES)


def downgrade():
    # the outcomes of items whose types go: the constraint of before would refuse them
    op.execute("DELETE FROM sync_item WHERE item_type IN ('household_new', 'household_change')")
    _item_types(ITEM_TYPES)
    op.drop_index(op.f('ix_household_move_to_cell_id'), table_name='household_move')
    op.drop_index(op.f('ix_household_move_household_id'), table_name='household_move')
    op.drop_table('household_move')
    for column in ('leave_reason', 'left_on', 'join_reason', 'joined_on'):
        op.drop_column('household_member', column)
    op.drop_index(op.f('ix_household_client_id'), table_name='household')
    for column in ('retire_note', 'retire_reason', 'retired_at', 'registered_at', 'client_id', 'version'):
        op.drop_column('household', column)
