"""ai daily usage: per-user daily totals for the allowance check, filled from the usage rows

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 15:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ai_daily_usage',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ai_daily_usage_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_ai_daily_usage'))
    )
    # Today's (and earlier days') calls made before this table existed count too.
    day = "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "(created_at AT TIME ZONE 'UTC')::date"
    op.execute(
        "INSERT INTO ai_daily_usage (user_id, day, requests, tokens) "
        f"SELECT user_id, {day}, count(*), sum(prompt_tokens + completion_tokens) FROM ai_usage "
        f"WHERE user_id IS NOT NULL AND status != 'error' GROUP BY user_id, {day}"
    )


def downgrade():
    op.drop_table('ai_daily_usage')
