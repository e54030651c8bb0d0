"""The search service: relevance, prefixes, filters, highlights, safety, freshness, similar, intent."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.prompt_templates import discovery
from promptcraft.prompt_templates import service as templates
from promptcraft.prompt_templates.search import fulltext, parse


def titles(page):
    return [t.title for t in page.results]


@pytest.fixture
def make_spread(db, make_template):
    """make_template, each template in a recency block of its own on PostgreSQL (ids
    RECENCY_BUCKET apart, the first in block 1), so that a window of recent ids holds a few
    templates, as it holds thousands in a large library."""
    blocks = iter(range(1, 1000))

    def make(*args, **fields) -> int:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SELECT setval('templates_id_seq', :last)"),
                               {"last": next(blocks) * fulltext.RECENCY_BUCKET})
            db.session.commit()
        return make_template(*args, **fields)

    return make


def expecting_a_window_of(blocks: float, newest: int) -> int:
    """The estimate that makes a search's first window the newest `blocks` recency blocks (on
    PostgreSQL: a window is sized for WINDOW_MARGIN times RANK_DEPTH matches at the estimated
    density, and starts on a block)."""
    return round(newest * fulltext.WINDOW_MARGIN * fulltext.RANK_DEPTH / ((blocks - 0.5) * fulltext.RECENCY_BUCKET))


def ids_of(keys: list[int]) -> list[int]:
    """The ids the keys of `recency_buckets` stand for (a negative key is a large block)."""
    small, large = fulltext.RECENCY_SHIFTS
    ids = []
    for key in keys:
        shift, block = (large, -1 - key) if key < 0 else (small, key)
        ids += range(block << shift, (block + 1) << shift)
    return ids


@pytest.mark.parametrize("blocks", [(0, 0), (0, 1), (3, 5), (0, 8), (7, 17), (8, 16), (5, 40), (1, 300)])
def test_a_window_is_the_fewest_recency_blocks_that_cover_exactly_its_ids(blocks):
    low, high = (n * fulltext.RECENCY_BUCKET for n in blocks)
    keys = fulltext.recency_buckets(low, high)
    assert sorted(ids_of(keys)) == list(range(low, high))  # every id once, none outside
    per_large = 1 << (fulltext.RECENCY_SHIFTS[1] - fulltext.RECENCY_SHIFTS[0])
    whole = sum(1 for n in range(blocks[0], blocks[1]) if n % per_large == 0 and n + per_large <= blocks[1])
    assert len(keys) == (blocks[1] - blocks[0]) - whole * (per_large - 1)  # a large block wherever one fits


def test_the_database_files_each_template_under_the_blocks_search_looks_in(db, make_spread):
    """PostgreSQL: migration 0020 computes recency_buckets from the id with RECENCY_SHIFTS."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's recency buckets")
    for _ in range(9):
        template_id = make_spread(None, title="Haiku", content="Write a haiku about rain.")
    keys = db.session.execute(sa.text("SELECT recency_buckets FROM templates WHERE id = :id"),
                              {"id": template_id}).scalar()
    assert len(keys) == 2 and all(template_id in ids_of([key]) for key in keys)


def test_relevance_puts_the_best_match_first(db, library, make_template):
    make_template(None, title="Linux Terminal", content="Act as a linux terminal and reply with its output.",
                  category="coding", tags=["linux"])
    make_template(None, title="Poem about terminals", content="Write a poem; mention a bus terminal once.",
                  category="creative-writing", tags=["poetry"])
    page = discovery.list_templates(None, q="linux terminal")
    assert page.results[0].title == "Linux Terminal"
    assert "Poem about terminals" not in titles(page)  # every word must match


def test_last_word_matches_as_a_prefix_while_typing(db, make_template):
    make_template(None, title="Email marketing plan", content="Plan an email marketing campaign for {{product}}.")
    assert titles(discovery.list_templates(None, q="email marketi")) == ["Email marketing plan"]
    assert titles(discovery.list_templates(None, q="email market")) == ["Email marketing plan"]
    assert titles(discovery.list_templates(None, q="email marketi ")) == []  # a finished word is a word


def test_a_whole_last_word_matches_even_when_its_stem_is_shorter_than_the_typing_prefix(db, make_template):
    make_template(None, title="Data visualization guide", content="Pick a chart for {{dataset}}.")
    # "visualization" is stored as "visual": the prefix "visualizat" alone would miss it
    assert titles(discovery.list_templates(None, q="data visualization")) == ["Data visualization guide"]
    assert titles(discovery.list_templates(None, q="data visua")) == ["Data visualization guide"]


def test_filters_combine_with_the_query(db, make_template):
    make_template(None, title="Review Python code", content="Review this code.", category="coding",
                  tags=["python", "code-review"])
    make_template(None, title="Review Go code", content="Review this code.", category="coding", tags=["go"])
    make_template(None, title="Review an essay", content="Review this essay.", category="writing", tags=["python"])
    found = discovery.list_templates(None, q="review", filters=discovery.Filters(category="coding", tag="python"))
    assert titles(found) == ["Review Python code"]
    assert found.count == 1


def test_usage_and_rating_break_near_ties(db, library, make_template):
    plain = make_template(None, title="Meeting notes summary", content="Summarise the meeting notes.")
    popular = make_template(None, title="Meeting notes summary", content="Summarise the meeting notes.")
    for _ in range(30):
        templates.record_usage(db.session.get(templates.Template, popular), None, "render")
    results = discovery.list_templates(None, q="meeting notes").results
    assert [t.id for t in results[:2]] == [popular, plain]
    assert results[0].search_score > results[1].search_score


def test_broad_queries_score_and_count_a_bounded_set_of_newest_matches(db, make_template, monkeypatch):
    from promptcraft.prompt_templates.search import fulltext

    monkeypatch.setattr(fulltext, "RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "SQLITE_RANK_DEPTH", 3)
    ids = [make_template(None, title=f"Haiku number {n}", content="Write a haiku about the sea.") for n in range(5)]
    page = discovery.list_templates(None, q="haiku", page_size=2)
    assert (page.count, page.count_capped) == (3, True)  # counted as far as scored: "3+"
    assert {t.id for t in page.results} <= set(ids[-3:])  # only the three newest were scored
    pages = [discovery.list_templates(None, q="haiku", page=n, page_size=2).results for n in (1, 2, 3)]
    assert sorted(t.id for p in pages for t in p) == sorted(ids)  # deeper pages continue the same order


# What the PostgreSQL planner expects a query to match picks the path, never the answer: few → read up to
# READ_CAP matches (here more: then a window sized from their density); many → a window of recent ids;
# far too many → windows too narrow to hold RANK_DEPTH matches, then the full pass.
@pytest.mark.parametrize("expected", [0, 20, 10**6], ids=["bounded-pass", "window", "full-pass"])
def test_very_broad_searches_stop_counting_and_say_so(db, client, make_spread, monkeypatch, expected):
    from promptcraft.prompt_templates.search import fulltext

    monkeypatch.setattr(fulltext, "RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "SQLITE_RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "READ_CAP", 4)
    monkeypatch.setattr(fulltext.FullTextRanker, "_expected_matches", lambda self, query, where: expected)
    for n in range(6):
        make_spread(None, title=f"Sonnet number {n}", content="Write a sonnet about the sea.")
    ids = [make_spread(None, title=f"Haiku number {n}", content="Write a haiku about the sea.") for n in range(6)]
    page = discovery.list_templates(None, q="haiku", page_size=2)
    assert (page.count, page.count_capped, page.has_next) == (3, True, True)
    assert {t.id for t in page.results} <= set(ids[-3:])  # still the best of the three newest
    pages = [discovery.list_templates(None, q="haiku", page=n, page_size=2) for n in (1, 2, 3)]
    assert sorted(t.id for p in pages for t in p.results) == sorted(ids)  # deeper pages continue the same order
    assert (pages[-1].count, pages[-1].count_capped) == (6, False)  # a page that deep counts exactly
    body = client.get("/api/v2/templates/", query_string={"q": "haiku", "page_size": 2}).json
    assert (body["count"], body["count_capped"]) == (3, True)
    html = client.get("/library", query_string={"q": "haiku", "page_size": 2}).get_data(as_text=True)
    assert "3+ templates" in html


def test_empty_windows_end_in_a_pass_over_the_rest_with_the_same_answer(db, make_spread, monkeypatch):
    from promptcraft.prompt_templates.search import fulltext

    monkeypatch.setattr(fulltext, "RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "SQLITE_RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "READ_CAP", 4)
    monkeypatch.setattr(fulltext.FullTextRanker, "_expected_matches", lambda self, query, where: 10**6)
    ids = [make_spread(None, title=f"Haiku number {n}", content="Write a haiku about the sea.") for n in range(6)]
    for n in range(12):  # the newest templates are not haiku: every window of recent ids is empty
        make_spread(None, title=f"Sonnet number {n}", content="Write a sonnet about the sea.")
    page = discovery.list_templates(None, q="haiku", page_size=2)
    assert (page.count, page.count_capped) == (3, True)
    assert {t.id for t in page.results} <= set(ids[-3:])


def test_windows_that_fall_short_go_on_below_and_rank_as_one_pass_would(db, make_spread, monkeypatch):
    """PostgreSQL: a window of recent ids holding too few matches is followed by one just below it
    (sized from the density it saw), then by the rest; the page is the one a single pass gives."""
    from promptcraft.prompt_templates.search import fulltext

    monkeypatch.setattr(fulltext, "RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "SQLITE_RANK_DEPTH", 3)
    monkeypatch.setattr(fulltext, "READ_CAP", 4)
    kinds = ["sonnet"] * 10 + ["haiku"] * 3 + ["limerick", "haiku", "haiku", "sonnet", "limerick", "haiku", "sonnet"]
    ids = {kind: [] for kind in kinds}
    for n, kind in enumerate(kinds):
        ids[kind].append(make_spread(None, title=f"{kind.title()} number {n}",
                                     content=f"Write a {kind} about the sea."))
    newest = max(ids["sonnet"])
    # The first window is the newest five templates: two of the haiku, one of the limericks.
    expected = expecting_a_window_of(5, newest)
    monkeypatch.setattr(fulltext.FullTextRanker, "_expected_matches", lambda self, query, where: expected)
    read, rank = [], fulltext.FullTextRanker._pg_rank

    def counted(self, *args, **kwargs):  # how many matches each PostgreSQL pass read
        ranked, first = rank(self, *args, **kwargs)
        read.append(first.total if first is not None else 0)
        return ranked, first

    monkeypatch.setattr(fulltext.FullTextRanker, "_pg_rank", counted)
    page = discovery.list_templates(None, q="haiku", page_size=3)
    assert (page.count, page.count_capped) == (3, True)
    assert {t.id for t in page.results} == set(ids["haiku"][-3:])  # the three newest, found in two windows
    postgresql = db.engine.dialect.name == "postgresql"
    assert len(read) == (2 if postgresql else 0) and sum(read) <= len(ids["haiku"])
    pages = [discovery.list_templates(None, q="haiku", page=n, page_size=2).results for n in (1, 2, 3)]
    assert sorted(t.id for p in pages for t in p) == sorted(ids["haiku"])
    read.clear()
    page = discovery.list_templates(None, q="limerick", page_size=3)
    assert (page.count, page.count_capped) == (2, False)  # every match read, none twice: an exact count
    assert sum(read) == (2 if postgresql else 0)
    assert {t.id for t in page.results} == set(ids["limerick"])


@pytest.mark.parametrize("expected", [0, 10**6])
def test_an_empty_library_finds_nothing_whatever_the_estimate(db, monkeypatch, expected):
    from promptcraft.prompt_templates.search import fulltext

    monkeypatch.setattr(fulltext.FullTextRanker, "_expected_matches", lambda self, query, where: expected)
    page = discovery.list_templates(None, q="haiku")
    assert (page.results, page.count, page.count_capped) == ([], 0, False)


def test_a_search_that_counts_again_changes_the_planner_settings_once(db, make_template):
    """PostgreSQL: a count within a search runs under the search's settings. The statement that
    changes them (and reads the newest id) never runs while they are in force: psycopg prepares
    a statement run five times, and PostgreSQL keeps the first plan of one without parameters,
    which, made with index scans off, read every row for the newest id in every later search."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner settings")
    make_template(None, title="Haiku", content="Write a haiku about rain.")
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert discovery.list_templates(None, q="zzqqxx").count == 0  # nothing on the page: counted again
        assert discovery.list_templates(None, q="haiku").count == 1
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert sum("current_setting(" in statement for statement in statements) == 2


def test_snippets_mark_matches_and_escape_user_text(db, make_template):
    make_template(None, title="<script>alert(1)</script> prompt", content="Explain <b>recursion</b> to a child.")
    hit = discovery.list_templates(None, q="recursion").results[0]
    assert "<mark>recursion</mark>" in hit.search_snippet
    assert "<b>" not in hit.search_snippet  # escaped (SQLite) or dropped as markup (PostgreSQL)
    assert "<script>" not in str(hit.search_title)


def test_a_snippet_shows_a_match_deep_in_a_long_template_from_a_whole_word(db, make_template):
    lead, match = "Describe the context in plain words first. ", "Then list every Stakeholder by role."
    make_template(None, title="Long brief", description="A brief.", content=lead * 40 + match)
    snippet = str(discovery.list_templates(None, q="stakeholders").results[0].search_snippet)
    assert "<mark>Stakeholder</mark>" in snippet  # ~1,700 characters in
    assert snippet.split()[0].strip("…") in (lead + match).split()  # never the tail of a cut word


def test_a_snippet_window_starts_near_the_first_match_on_a_whole_word():
    needles = ["stake", "Stake", "STAKE"]
    content = "Describe the context in plain words first. " * 300 + "Then list every Stakeholder by role."
    window = fulltext.snippet_window("A brief.", content, needles)
    assert "Stakeholder" in window and len(window) <= fulltext.SNIPPET_SOURCE_CHARS
    assert window.split()[0] in content.split()  # never the tail of a cut word
    assert fulltext.snippet_window("A brief.", content, ["absent"]).startswith("A brief. Describe")
    assert fulltext.snippet_window(None, None, needles) == ""


@pytest.mark.parametrize("text", [
    'AND OR NOT', '"unbalanced', "((( ))", "NEAR(a b, 2)", "title:foo", "a* -b +c", "'; DROP TABLE templates; --",
    "\x00\x01", "emoji 🙂 prompts", "x" * 5000, "word " * 1200, "^*:&|!<>", "日本語",
])
def test_any_text_is_a_safe_query(db, make_template, text):
    make_template(None, title="AND OR review", content="Review (the) code: NEAR title:foo \"quoted\" 🙂")
    page = discovery.list_templates(None, q=text)
    assert page.count >= 0 and isinstance(page.results, list)


def test_index_follows_every_write(db, user, make_template):
    me = db.session.get(User, user.id)
    template_id = make_template(user, title="Quarterly board update")
    assert titles(discovery.list_templates(me, q="quarterly")) == ["Quarterly board update"]
    templates.update_template(template_id, me, {"title": "Annual investor letter", "tags": ["finance"]})
    assert titles(discovery.list_templates(me, q="quarterly")) == []
    assert titles(discovery.list_templates(me, q="investor")) == ["Annual investor letter"]
    assert titles(discovery.list_templates(me, q="finance")) == ["Annual investor letter"]
    templates.delete_template(template_id, me)
    assert titles(discovery.list_templates(me, q="investor")) == []


def test_private_templates_only_show_to_their_owner(db, user, make_user, make_template):
    make_template(user, title="Secret launch plan", is_public=False)
    other = db.session.get(User, make_user(username="bob", email="bob@example.test").id)
    assert titles(discovery.list_templates(db.session.get(User, user.id), q="launch")) == ["Secret launch plan"]
    assert titles(discovery.list_templates(other, q="launch")) == []
    assert titles(discovery.list_templates(None, q="launch")) == []


def test_search_can_be_sorted_by_something_else(db, make_template):
    a = make_template(None, title="Cover letter A", content="Write a cover letter.")
    b = make_template(None, title="Cover letter B", content="Write a cover letter.")
    page = discovery.list_templates(None, q="cover letter", ordering="-title")
    assert [t.id for t in page.results] == [b, a]


def test_similar_uses_the_templates_own_words(db, library, make_template):
    first = make_template(None, title="SQL query optimizer", content="Optimize this SQL query: {{query}}",
                          category="data-analysis", tags=["sql"])
    make_template(None, title="SQL query explainer", content="Explain what this SQL query does: {{query}}",
                  category="data-analysis", tags=["sql"])
    similar = discovery.similar(first, None)
    assert first not in [t.id for t in similar]
    assert similar[0].title == "SQL query explainer"


def test_similar_finds_a_close_template_that_many_newer_loose_matches_would_bury(db, make_template, monkeypatch):
    # A library larger than the scoring depth, here made small: any one shared word matches the
    # newer templates, but the close one shares several.
    monkeypatch.setattr(fulltext, "RANK_DEPTH", 10)
    monkeypatch.setattr(fulltext, "SQLITE_RANK_DEPTH", 10)
    close = make_template(None, title="Skincare routine planner", description="For healthy skin.",
                          content="Plan a skincare and haircare routine.", tags=["skincare"])
    first = make_template(None, title="Skincare routine builder", description="For healthy skin.",
                          content="Build a skincare and haircare routine.", tags=["skincare"])
    for number in range(30):
        make_template(None, title=f"Morning routine {number}", description="A good start.",
                      content="Plan a calm morning routine.")
    similar = discovery.similar(first, None)
    assert similar[0].id == close
    assert len(similar) == 8 and first not in [t.id for t in similar]  # topped up with looser matches


def test_intent_votes_with_the_nearest_templates(db, library):
    result = discovery.detect_intent("Translate this paragraph from English into French and Spanish", None)
    assert result["category"] == "language"
    assert 0 < result["confidence"] <= 1
    assert result["templates"]


def test_parse_keeps_only_words():
    query = parse('find "python" (code) review*')
    assert query.terms == ("find", "python", "code", "review")
    assert query.fts5() == '"find" AND "python" AND "code" AND ("review" OR "revi"*)'
    assert query.tsquery() == "find & python & code & (review | revi:*)"
    assert parse("cover lett").tsquery() == "cover & lett:*"  # a short word is only a prefix
    assert parse("   ") is None and parse("!!!") is None


def test_reused_search_statements_never_mix_queries_users_filters_or_pages(db, make_template, make_user):
    ada, bob = make_user(username="ada", email="ada@example.test"), make_user(username="bob", email="bob@example.test")
    mine = make_template(ada, title="Private haiku drafts", content="Draft a haiku.", is_public=False)
    public = [make_template(None, title=f"Haiku number {n}", content="Write a haiku about the sea.",
                            category="writing" if n % 2 else "communication") for n in range(5)]
    make_template(None, title="Sonnet guide", content="Write a sonnet.")
    as_user = {name: db.session.get(User, u.id) for name, u in (("ada", ada), ("bob", bob))}
    for _ in range(2):  # the second round runs on the statements the first one built
        assert mine in {t.id for t in discovery.list_templates(as_user["ada"], q="haiku").results}
        assert mine not in {t.id for t in discovery.list_templates(as_user["bob"], q="haiku").results}
        assert titles(discovery.list_templates(None, q="sonnet")) == ["Sonnet guide"]
        writing = discovery.list_templates(None, q="haiku", filters=discovery.Filters(category="writing"))
        assert {t.id for t in writing.results} == set(public[1::2])
        pages = [discovery.list_templates(None, q="haiku", page=n, page_size=2) for n in (1, 2, 3)]
        assert sorted(t.id for p in pages for t in p.results) == sorted(public)
        assert [p.count for p in pages] == [5, 5, 5]
