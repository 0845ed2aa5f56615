"""Petitions at one window (信访): the petitioner and first receiver on the dispute, links to earlier cases, the
letter channel 来信; and the time limits as the sources state them (settings stored in the old shapes rewritten).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

BEFORE = ('grid_screening', 'visit', 'walk_in', 'phone', 'sms', 'online', 'petition_county', 'petition_higher')
AFTER = ('grid_screening', 'visit', 'letter', 'walk_in', 'phone', 'sms', 'online', 'petition_county',
         'petition_higher')
FAST_TRACKS = {'sms': 7, 'online': 15}  # resolution days of the city report's fast tracks
SMS_ACCEPTANCE = 7                      # the misread limit stored by counties that saved the old default
FIRST_RECEIVER_FK = ("CONSTRAINT fk_dispute_first_receiver_id_app_user FOREIGN KEY(first_receiver_id) "
                     "REFERENCES app_user (id) ON DELETE RESTRICT")
LIMITS = ('acceptance_days', 'resolution_days')


def _condition(channels):
    return "channel IN (" + ", ".join(f"'{c}'" for c in channels) + ")"


def _channels(before, after):
    """dispute's CHECK on channel. PostgreSQL alters it in place. SQLite cannot, and dispute is a spatial table
    (a SpatiaLite geometry with its R*Tree triggers, referenced by dispute_event) that batch mode's copy would break;
    the list of allowed values is text in the table's schema, so it is edited there. Widening it never fails a stored
    row; before narrowing it, the caller changes the rows it would refuse."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('ck_dispute_channel'), 'dispute', type_='check')
        op.create_check_constraint(op.f('ck_dispute_channel'), 'dispute', _condition(after))
    else:
        _edit_sqlite_schema(lambda sql: _replace(sql, _condition(before), _condition(after)))


def _add_first_receiver():
    """dispute.first_receiver_id and its foreign key. SQLite cannot add a constraint to a table: the column is added,
    and the constraint written into the table's schema (no row can break it: the new column is empty)."""
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('dispute', sa.Column('first_receiver_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_dispute_first_receiver_id_app_user'), 'dispute', 'app_user',
                              ['first_receiver_id'], ['id'], ondelete='RESTRICT')
    else:
        op.execute("ALTER TABLE dispute ADD COLUMN first_receiver_id INTEGER")
        _edit_sqlite_schema(lambda sql: _replace(sql.rstrip(), "\n)", f", \n\t{FIRST_RECEIVER_FK}\n)", last=True))


def _drop_first_receiver():
    """The other way. SQLite drops no column a foreign key uses: the constraint leaves the schema first (removing a
    foreign key is among the changes SQLite documents making so)."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f('fk_dispute_first_receiver_id_app_user'), 'dispute', type_='foreignkey')
    else:
        _edit_sqlite_schema(lambda sql: _replace(sql, f", \n\t{FIRST_RECEIVER_FK}", ""))
    op.drop_column('dispute', 'first_receiver_id')


def _replace(sql: str, old: str, new: str, last: bool = False) -> str:
    if old not in sql or (last and not sql.endswith(old)):
        raise RuntimeError(f"dispute's schema has no {old!r}: not the one this revision expects")
    return sql.replace(old, new)


def _edit_sqlite_schema(change):
    """Rewrite dispute's CREATE TABLE as SQLite keeps it ("Making Other Kinds Of Table Schema Changes" in SQLite's
    ALTER TABLE documentation), for every connection, and check the database after."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'dispute'")).scalar()
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'dispute'"),
                 {"sql": change(sql)})
    bind.execute(sa.text(f"PRAGMA schema_version = {version + 1}"))  # every connection re-reads the schema
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))
    problems = bind.execute(sa.text("PRAGMA integrity_check")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"dispute's schema after the change: {problems}")


SETTING = sa.table('setting', sa.column('key', sa.String), sa.column('value', sa.JSON))


def _settings(rewrite):
    """Rewrite the stored time-limit settings with rewrite(key, value) → value."""
    bind = op.get_bind()
    for key, value in bind.execute(sa.select(SETTING.c.key, SETTING.c.value).where(SETTING.c.key.in_(LIMITS))).all():
        new = rewrite(key, value)
        if new != value:
            bind.execute(SETTING.update().where(SETTING.c.key == key).values(value=new))


def _limits_from_sources(key, value):
    """acceptance: 15 days for every channel (the SMS 7 days were a resolution limit); resolution: a bare number of
    days becomes the default, with the fast tracks for SMS and online petitions (never longer than the default)."""
    if key == 'acceptance_days' and isinstance(value, dict) and value.get('sms') == SMS_ACCEPTANCE:
        return {channel: days for channel, days in value.items() if channel != 'sms'}
    if key == 'resolution_days' and isinstance(value, (int, float)):
        return {'default': int(value), **{channel: min(days, int(value)) for channel, days in FAST_TRACKS.items()}}
    return value


def _limits_as_before(key, value):
    if key == 'resolution_days' and isinstance(value, dict):
        return int(value.get('default', 60))
    return value


def upgrade():
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.add_column(sa.Column('petitioner_name', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('petitioner_id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('petitioner_mobile', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('petitioner_address', sa.String(length=200), nullable=True))
    _add_first_receiver()
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_petitioner_id_number'), ['petitioner_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_petitioner_mobile'), ['petitioner_mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_first_receiver_id'), ['first_receiver_id'], unique=False)
    _channels(BEFORE, AFTER)
    op.create_table('dispute_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Uuid(), nullable=False),
    sa.Column('earlier_id', sa.Uuid(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('dispute_id <> earlier_id', name=op.f('ck_dispute_link_not_itself')),
    sa.ForeignKeyConstraint(['dispute_id'], ['dispute.id'], name=op.f('fk_dispute_link_dispute_id_dispute'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['earlier_id'], ['dispute.id'], name=op.f('fk_dispute_link_earlier_id_dispute'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['app_user.id'], name=op.f('fk_dispute_link_linked_by_id_app_user'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_link')),
    sa.UniqueConstraint('dispute_id', 'earlier_id', name='uq_dispute_link_pair')
    )
    with op.batch_alter_table('dispute_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_link_earlier_id'), ['earlier_id'], unique=False)
    _settings(_limits_from_sources)


def downgrade():
    _settings(_limits_as_before)
    with op.batch_alter_table('dispute_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_link_earlier_id'))
    op.drop_table('dispute_link')
    # letters go back to the channel closest to them before there was one: a petition at the county
    op.execute("UPDATE dispute SET channel = 'petition_county' WHERE channel = 'letter'")
    _channels(AFTER, BEFORE)
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_first_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_petitioner_mobile'))
        batch_op.drop_index(batch_op.f('ix_dispute_petitioner_id_number'))
    _drop_first_receiver()
    for column in ('petitioner_address', 'petitioner_mobile', 'petitioner_id_number', 'petitioner_name'):
        op.drop_column('dispute', column)
