"""Initial schema: the grid, households, users, cadre links, visits, disputes and their timeline.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 11:35:30.029255

"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table('grid_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=15), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('boundary', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('centroid', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('target_households', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(level = 'county') = (parent_id IS NULL)", name=op.f('ck_grid_unit_parent_unless_county')),
    sa.CheckConstraint("length(code) = CASE level WHEN 'county' THEN 6 WHEN 'town' THEN 9 WHEN 'village' THEN 12 WHEN 'cell' THEN 15 END", name=op.f('ck_grid_unit_code_length')),
    sa.CheckConstraint("level IN ('county', 'town', 'village', 'cell')", name=op.f('ck_grid_unit_level')),
    sa.CheckConstraint("replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(code, '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = ''", name=op.f('ck_grid_unit_code_digits')),
    sa.CheckConstraint('target_households IS NULL OR target_households > 0', name=op.f('ck_grid_unit_target_positive')),
    sa.ForeignKeyConstraint(['parent_id'], ['grid_unit.id'], name=op.f('fk_grid_unit_parent_id_grid_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_grid_unit_code'))
    )
    with op.batch_alter_table('grid_unit', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_grid_unit_boundary', ['boundary'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_geospatial_index('idx_grid_unit_centroid', ['centroid'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_grid_unit_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_grid_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=11), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('grid_worker', 'cadre', 'village_head', 'town_secretary', 'county_staff', 'admin')", name=op.f('ck_app_user_role')),
    sa.CheckConstraint('phone IS NULL OR length(phone) = 11', name=op.f('ck_app_user_phone_length')),
    sa.ForeignKeyConstraint(['unit_id'], ['grid_unit.id'], name=op.f('fk_app_user_unit_id_grid_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_unit_id'), ['unit_id'], unique=False)

    op.create_geospatial_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=19), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('head_name', sa.String(length=50), nullable=False),
    sa.Column('head_id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=11), nullable=True),
    sa.Column('member_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(code, '0', ''), '1', ''), '2', ''), '3', ''), '4', ''), '5', ''), '6', ''), '7', ''), '8', ''), '9', '') = ''", name=op.f('ck_household_code_digits')),
    sa.CheckConstraint('head_id_number IS NULL OR length(head_id_number) = 18', name=op.f('ck_household_id_number_length')),
    sa.CheckConstraint('length(code) = 19', name=op.f('ck_household_code_length')),
    sa.CheckConstraint('member_count >= 1', name=op.f('ck_household_member_count_positive')),
    sa.CheckConstraint('phone IS NULL OR length(phone) = 11', name=op.f('ck_household_phone_length')),
    sa.ForeignKeyConstraint(['cell_id'], ['grid_unit.id'], name=op.f('fk_household_cell_id_grid_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('code', name=op.f('uq_household_code'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_household_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index(batch_op.f('ix_household_cell_id'), ['cell_id'], unique=False)

    op.create_table('cadre_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_cadre_link_period_order')),
    sa.ForeignKeyConstraint(['cadre_id'], ['app_user.id'], name=op.f('fk_cadre_link_cadre_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_cadre_link_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre_link'))
    )
    with op.batch_alter_table('cadre_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadre_link_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index('ux_cadre_link_current_household', ['household_id'], unique=True, sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))

    op.create_geospatial_table('dispute',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('risk_colour', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('party_count', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=True),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('satisfaction', sa.String(length=20), nullable=True),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("category IN ('neighbour', 'family', 'land_rights', 'land_requisition', 'unpaid_wages', 'social_insurance', 'housing', 'environment', 'enterprise_community', 'illegal_land_use', 'other')", name=op.f('ck_dispute_category')),
    sa.CheckConstraint("channel IN ('grid_screening', 'visit', 'walk_in', 'phone', 'sms', 'online', 'petition_county', 'petition_higher')", name=op.f('ck_dispute_channel')),
    sa.CheckConstraint("level IN ('village', 'town', 'county')", name=op.f('ck_dispute_level')),
    sa.CheckConstraint("risk_colour IN ('red', 'orange', 'yellow', 'blue')", name=op.f('ck_dispute_risk_colour')),
    sa.CheckConstraint("satisfaction IS NULL OR satisfaction IN ('satisfied', 'basically_satisfied', 'unsatisfied')", name=op.f('ck_dispute_satisfaction')),
    sa.CheckConstraint("state IN ('reported', 'accepted', 'assigned', 'mediating', 'resolved', 'called_back', 'closed')", name=op.f('ck_dispute_state')),
    sa.CheckConstraint('gps_accuracy_m IS NULL OR gps_accuracy_m >= 0', name=op.f('ck_dispute_accuracy_non_negative')),
    sa.CheckConstraint('party_count >= 1', name=op.f('ck_dispute_party_count_positive')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_dispute_version_positive')),
    sa.ForeignKeyConstraint(['cell_id'], ['grid_unit.id'], name=op.f('fk_dispute_cell_id_grid_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_dispute_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['leader_id'], ['app_user.id'], name=op.f('fk_dispute_leader_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['grid_unit.id'], name=op.f('fk_dispute_owner_unit_id_grid_unit'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reporter_id'], ['app_user.id'], name=op.f('fk_dispute_reporter_id_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_dispute_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index('ix_dispute_cell_reported', ['cell_id', 'reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index('ix_dispute_state_reported', ['state', 'reported_at'], unique=False)

    op.create_table('household_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('relation', sa.String(length=12), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.CheckConstraint("relation IN ('spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')", name=op.f('ck_household_member_relation')),
    sa.CheckConstraint("sex IN ('M', 'F')", name=op.f('ck_household_member_sex')),
    sa.CheckConstraint('id_number IS NULL OR length(id_number) = 18', name=op.f('ck_household_member_id_number_length')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_member_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_member'))
    )
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_member_household_id'), ['household_id'], unique=False)

    op.create_table('household_tag',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.CheckConstraint("tag IN ('subsistence', 'elderly_alone', 'left_behind_child', 'disabled', 'poverty_watch', 'key_person')", name=op.f('ck_household_tag_tag')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_tag_household_id_household'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', 'tag', name=op.f('pk_household_tag'))
    )
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_tag_tag'), ['tag'], unique=False)

    op.create_geospatial_table('visit',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('poverty_check', 'employment_help', 'counselling', 'policy', 'other')", name=op.f('ck_visit_kind')),
    sa.CheckConstraint('gps_accuracy_m IS NULL OR gps_accuracy_m >= 0', name=op.f('ck_visit_accuracy_non_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_visit_author_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_visit_household_id_household'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_visit_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index('ix_visit_author_visited', ['author_id', 'visited_at'], unique=False)
        batch_op.create_index('ix_visit_household_visited', ['household_id', 'visited_at'], unique=False)
        batch_op.create_index('ix_visit_visited_at', ['visited_at'], unique=False)

    op.create_geospatial_table('dispute_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dispute_id', sa.Uuid(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('to_state', sa.String(length=12), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('gps_accuracy_m', sa.Float(), nullable=True),
    sa.CheckConstraint("kind IN ('report', 'accept', 'assign', 'mediate', 'escalate', 'resolve', 'call_back', 'close', 'supervise', 'note')", name=op.f('ck_dispute_event_kind')),
    sa.CheckConstraint("to_state IS NULL OR to_state IN ('reported', 'accepted', 'assigned', 'mediating', 'resolved', 'called_back', 'closed')", name=op.f('ck_dispute_event_to_state')),
    sa.CheckConstraint('gps_accuracy_m IS NULL OR gps_accuracy_m >= 0', name=op.f('ck_dispute_event_accuracy_non_negative')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_dispute_event_actor_id_app_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['dispute_id'], ['dispute.id'], name=op.f('fk_dispute_event_dispute_id_dispute'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_event'))
    )
    with op.batch_alter_table('dispute_event', schema=None) as batch_op:
        batch_op.create_geospatial_index('idx_dispute_event_location', ['location'], unique=False, postgresql_using='gist', postgresql_ops={})
        batch_op.create_index('ix_dispute_event_dispute_occurred', ['dispute_id', 'occurred_at'], unique=False)


def downgrade():
    with op.batch_alter_table('dispute_event', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_event_dispute_occurred')
        batch_op.drop_geospatial_index('idx_dispute_event_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('dispute_event')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_visited_at')
        batch_op.drop_index('ix_visit_household_visited')
        batch_op.drop_index('ix_visit_author_visited')
        batch_op.drop_geospatial_index('idx_visit_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('visit')
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_tag_tag'))

    op.drop_table('household_tag')
    with op.batch_alter_table('household_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_member_household_id'))

    op.drop_table('household_member')
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_state_reported')
        batch_op.drop_index(batch_op.f('ix_dispute_owner_unit_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_leader_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_household_id'))
        batch_op.drop_index('ix_dispute_cell_reported')
        batch_op.drop_geospatial_index('idx_dispute_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('dispute')
    with op.batch_alter_table('cadre_link', schema=None) as batch_op:
        batch_op.drop_index('ux_cadre_link_current_household', sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))
        batch_op.drop_index(batch_op.f('ix_cadre_link_cadre_id'))

    op.drop_table('cadre_link')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_cell_id'))
        batch_op.drop_geospatial_index('idx_household_location', postgresql_using='gist', column_name='location')

    op.drop_geospatial_table('household')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_unit_id'))
        batch_op.drop_index(batch_op.f('ix_app_user_role'))

    op.drop_table('app_user')
    with op.batch_alter_table('grid_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_grid_unit_level'))
        batch_op.drop_geospatial_index('idx_grid_unit_centroid', postgresql_using='gist', column_name='centroid')
        batch_op.drop_geospatial_index('idx_grid_unit_boundary', postgresql_using='gist', column_name='boundary')

    op.drop_geospatial_table('grid_unit')
