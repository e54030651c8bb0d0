"""Search: prefix indexes for every length a search-as-you-type prefix can have, and an index
covering what ranking filters and boosts on.

The last word typed is matched as a prefix of four or more letters (query.typing_prefix);
FTS5 only uses a prefix index whose length matches exactly, so without these every keystroke
expanded the prefix over the whole vocabulary, in ranking and again in highlighting.
PostgreSQL's GIN index already serves prefixes; nothing changes there.
The covering index lets ranking and counting join each match to its visibility, category,
usage and rating without reading the wide template row (content lives in overflow pages).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

COLUMNS = "title, tags, description, content"
REFILL = ("INSERT INTO templates_fts(rowid, title, tags, description, content) "
          "SELECT id, title, (SELECT group_concat(value, ' ') FROM json_each(templates.tags)), description, content "
          "FROM templates")


def _rebuild(prefix: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE templates_fts")  # the triggers name the table and keep working
    op.execute(f"CREATE VIRTUAL TABLE templates_fts USING fts5({COLUMNS}, "
               f"tokenize='porter unicode61 remove_diacritics 2', prefix='{prefix}')")
    op.execute(REFILL)
    op.execute("INSERT INTO templates_fts(templates_fts) VALUES ('optimize')")


RANKING_COLUMNS = ["id", "is_public", "owner_id", "category_id", "is_featured", "usage_count", "rating_avg"]


def upgrade():
    _rebuild("2 3 4 5 6 7 8")
    op.create_index("ix_templates_ranking", "templates", RANKING_COLUMNS, unique=False)


def downgrade():
    op.drop_index("ix_templates_ranking", table_name="templates")
    _rebuild("2 3")
