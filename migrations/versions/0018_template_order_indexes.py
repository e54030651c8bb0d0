"""template order indexes: the library's sort orders are read from an index

A filtered list sorted by usage, rating or title sorted every template that passed the
filters to show twenty: at 150,000 templates a broad category (27,000 templates) took
~85 ms on PostgreSQL. With an index in each order (read forwards or backwards), a page is
the first rows of the index that pass the filters.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 13:30:00.000000

"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_templates_usage_order": ["usage_count", "rating_avg", "id"],
    "ix_templates_rating_order": ["rating_avg", "rating_count", "id"],
    "ix_templates_title_order": ["title", "id"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "templates", columns, unique=False)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="templates")
