"""Partition the tables that grow without end on PostgreSQL: visits and the audit log by China month,
dispute steps by year, each with a default partition (see server/table_partitions.py). SQLite is unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 17:40:00

"""
from alembic import op

from server.table_partitions import partition_tables, unpartition_tables

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    partition_tables(op.get_bind())


def downgrade():
    unpartition_tables(op.get_bind())
