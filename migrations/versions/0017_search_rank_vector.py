"""search rank vector: PostgreSQL scores matches on a short vector kept in the row

Scoring a match with ts_rank reads its tsvector; the full one (every word of the content,
with positions) is usually compressed or stored out of line, and reading it back cost about
three quarters of the scoring time. `rank_vector` holds the words that say what a template is
for (title, tags, description and the opening of the content, ~0.8 KB), small enough to stay
in the row. Matching still uses `search_vector` and its GIN index; only the score changes.
SQLite (FTS5 and bm25) is untouched.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 18:40:00.000000

"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TAGS = "coalesce((SELECT string_agg(value, ' ') FROM jsonb_array_elements_text({row}.tags) AS value), '')"
# The opening of the content that is scored: the instruction usually comes first.
RANK_CONTENT_CHARS = 600


def _vectors(row: str, lead: int | None) -> str:
    content = f"coalesce({row}.content, '')" if lead is None else f"left(coalesce({row}.content, ''), {lead})"
    return (f"setweight(to_tsvector('english', coalesce({row}.title, '')), 'A') || "
            f"setweight(to_tsvector('english', {TAGS.format(row=row)}), 'B') || "
            f"setweight(to_tsvector('english', coalesce({row}.description, '')), 'B') || "
            f"setweight(to_tsvector('english', {content}), 'C')")


def _trigger_function(rank: bool) -> str:
    rank_line = f"NEW.rank_vector := {_vectors('NEW', RANK_CONTENT_CHARS)};" if rank else ""
    return f"""CREATE OR REPLACE FUNCTION templates_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {_vectors('NEW', None)};
        {rank_line}
        RETURN NEW;
    END $$"""


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE templates ADD COLUMN rank_vector tsvector")
    op.execute(_trigger_function(rank=True))
    op.execute(f"UPDATE templates SET rank_vector = {_vectors('templates', RANK_CONTENT_CHARS)}")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(_trigger_function(rank=False))
    op.execute("ALTER TABLE templates DROP COLUMN rank_vector")
