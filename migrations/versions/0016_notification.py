"""Messages to users 消息通知 (issue 20): one row per person and event, unique by the event's key.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KINDS = ("dispute_arrived", "case_assigned", "deadline_near", "deadline_passed", "supervised", "alert_raised",
         "report_due", "follow_up_due", "move_awaiting")
SUBJECTS = ("dispute", "alert", "cell", "visit", "move")


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('event_key', sa.String(length=160), nullable=False),
    sa.Column('subject_type', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('api_url', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_zh', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(_one_of('kind', KINDS), name=op.f('ck_notification_kind')),
    sa.CheckConstraint(_one_of('subject_type', SUBJECTS), name=op.f('ck_notification_subject_type')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('event_key', 'user_id', name=op.f('uq_notification_event_key'))
    )
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_table('notification')
