"""Forced password change at next sign-in (issue 19): set when the administrator creates a user or resets a
password, and at sign-in outside the demo for a password that is still the demo's shared one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE on both back ends (as 0012 does)
    op.add_column('app_user', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade():
    op.drop_column('app_user', 'must_change_password')
