"""Outbound channels 消息外发 (issue 20): the outbox of messages to go out by 企业微信 / 钉钉 robots and SMS, and each
user's choice of channels and the daily digest.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

CHANNELS = ("wecom", "dingtalk", "sms")
STATUSES = ("pending", "sent", "failed", "held", "digested")


def _one_of(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    # plain ALTER TABLE on both back ends (as 0014 does)
    op.add_column('app_user', sa.Column('notify_channels', sa.JSON(), nullable=True))
    op.add_column('app_user', sa.Column('notify_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('outbound_message',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('notification_id', sa.Uuid(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=200), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(_one_of('channel', CHANNELS), name=op.f('ck_outbound_message_channel')),
    sa.CheckConstraint(_one_of('status', STATUSES), name=op.f('ck_outbound_message_status')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_outbound_message_user_id_app_user'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'],
                            name=op.f('fk_outbound_message_notification_id_notification'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbound_message_idempotency_key'))
    )
    op.create_index('ix_outbound_message_due', 'outbound_message', ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_outbound_message_user_sent', 'outbound_message', ['user_id', 'sent_at'], unique=False)


def downgrade():
    op.drop_index('ix_outbound_message_user_sent', table_name='outbound_message')
    op.drop_index('ix_outbound_message_due', table_name='outbound_message')
    op.drop_table('outbound_message')
    op.drop_column('app_user', 'notify_digest')
    op.drop_column('app_user', 'notify_channels')
