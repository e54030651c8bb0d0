"""template category order indexes: a category's page is read in the list's order

A category page (the library's most common view: newest first) read every public template of
the category and sorted them to show twenty. SQLite always does that (it picks the category
index over walking an order index), and at 150,000 templates a broad category (27,000
templates) took 70–250 ms. With (category, visibility, then each sort order) a page is the
first rows of the index; the count reads the same index. The (category_id, is_public) index is
the common prefix of these, so it goes.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 01:45:00.000000

"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_templates_category_created": ["category_id", "is_public", "created_at", "id"],
    "ix_templates_category_usage": ["category_id", "is_public", "usage_count", "rating_avg", "id"],
    "ix_templates_category_rating": ["category_id", "is_public", "rating_avg", "rating_count", "id"],
    "ix_templates_category_title": ["category_id", "is_public", "title", "id"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "templates", columns, unique=False)
    op.drop_index("ix_templates_category_public", table_name="templates")


def downgrade():
    op.create_index("ix_templates_category_public", "templates", ["category_id", "is_public"], unique=False)
    for name in INDEXES:
        op.drop_index(name, table_name="templates")
