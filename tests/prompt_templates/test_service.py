"""Library rules: variables, versions, visibility, ratings, forks, usage, import and export."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from promptcraft.auth.models import User
from promptcraft.errors import AppError
from promptcraft.prompt_templates import service as templates
from promptcraft.prompt_templates import transfer, variables
from promptcraft.prompt_templates.models import Template, TemplateTag, TemplateUsage, TemplateVersion


def load(db, user):
    return db.session.get(User, user.id)


def test_undeclared_placeholders_become_required_variables():
    declared = variables.declare("Hi {{name}}, about {{ topic }}.", [{"name": "topic", "default": "news"}])
    assert declared == [
        {"name": "name", "description": "", "default": None, "required": True},
        {"name": "topic", "description": "", "default": "news", "required": False},
    ]


def test_declared_variable_missing_from_content_is_rejected():
    with pytest.raises(AppError) as error:
        variables.declare("No placeholders here.", [{"name": "ghost"}])
    assert error.value.status == 400 and "ghost" in str(error.value.details)


def test_render_uses_defaults_and_names_what_is_missing():
    declared = variables.declare("{{a}} {{b}} {{c}}", [{"name": "b", "default": "B"}, {"name": "c", "required": False}])
    assert variables.render("{{a}} {{b}} {{c}}", declared, {"a": "A"}) == ("A B ", [])
    assert variables.render("{{a}} {{b}} {{c}}", declared, {"a": "  "})[1] == ["a"]


def test_content_changes_make_versions_and_other_edits_do_not(db, user, make_template):
    template_id = make_template(user)
    me = load(db, user)
    templates.update_template(template_id, me, {"description": "Only the description."})
    assert db.session.get(Template, template_id).version == 1
    templates.update_template(template_id, me, {"content": "Write a status email to {{team}}.",
                                                "version_note": "Shorter"})
    template = db.session.get(Template, template_id)
    assert template.version == 2
    assert [v["name"] for v in template.variables] == ["team"]
    history = templates.versions(template_id, me)
    assert [v["version"] for v in history] == [2, 1]
    assert history[0]["note"] == "Shorter"
    assert "-Write a status email to {{team}} about {{topic}}." in history[0]["diff"]
    assert "+Write a status email to {{team}}." in history[0]["diff"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TemplateVersion)) == 2


def test_private_templates_are_invisible_and_others_public_ones_read_only(db, user, make_user, staff,
                                                                          make_template):
    other = load(db, make_user(username="bob", email="bob@example.test"))
    private_id = make_template(user, is_public=False)
    public_id = make_template(user)
    with pytest.raises(AppError) as hidden:
        templates.get_template(private_id, other)
    assert hidden.value.status == 404
    with pytest.raises(AppError) as hidden_anon:
        templates.get_template(private_id, None)
    assert hidden_anon.value.status == 404
    with pytest.raises(AppError) as read_only:
        templates.update_template(public_id, other, {"title": "Mine now"})
    assert read_only.value.status == 403
    assert templates.update_template(public_id, load(db, staff), {"title": "Moderated"}).title == "Moderated"


def test_only_staff_feature_templates(db, user, make_template):
    template_id = make_template(user)
    with pytest.raises(AppError) as error:
        templates.update_template(template_id, load(db, user), {"is_featured": True})
    assert error.value.status == 403


def test_one_rating_per_user_updates_the_average(db, user, make_user, make_template):
    template_id = make_template(user)
    bob = load(db, make_user(username="bob", email="bob@example.test"))
    carol = load(db, make_user(username="carol", email="carol@example.test"))
    templates.rate_template(template_id, bob, 5, "Great")
    templates.rate_template(template_id, carol, 2)
    templates.rate_template(template_id, bob, 4, "Good")
    template = db.session.get(Template, template_id)
    assert (template.rating_count, template.rating_avg) == (2, 3.0)
    with pytest.raises(AppError) as own:
        templates.rate_template(template_id, load(db, user), 5)
    assert own.value.status == 403


def test_duplicate_keeps_attribution_and_is_private(db, user, make_user, make_template):
    source_id = make_template(None, license="CC0-1.0", contributors=["f"])
    bob = load(db, make_user(username="bob", email="bob@example.test"))
    fork = templates.duplicate_template(source_id, bob)
    assert fork.owner_id == bob.id and fork.forked_from_id == source_id and not fork.is_public
    assert (fork.license, fork.contributors, fork.source) == ("CC0-1.0", ["f"], "fork")
    assert "Forked from" in templates.versions(fork.id, bob)[0]["note"]


def test_tags_are_normalised_indexed_and_validated(db, user, make_template):
    template_id = make_template(user, tags=["Email", " sales ", "email", "cold outreach"])
    assert db.session.get(Template, template_id).tags == ["email", "sales", "cold-outreach"]
    indexed = set(db.session.scalars(sa.select(TemplateTag.tag).where(TemplateTag.template_id == template_id)))
    assert indexed == {"email", "sales", "cold-outreach"}
    with pytest.raises(AppError):
        templates.update_template(template_id, load(db, user), {"tags": ["no/slashes"]})


def test_render_counts_a_use(db, user, make_template):
    template_id = make_template(user)
    template, text = templates.render_template(template_id, None, {"team": "design", "topic": "launch"})
    assert text == "Write a status email to design about launch."
    assert template.usage_count == 1
    assert db.session.scalar(sa.select(TemplateUsage.kind)) == "render"
    with pytest.raises(AppError) as missing:
        templates.render_template(template_id, None, {"team": "design"})
    assert missing.value.details["missing"] == ["topic"]


ROWS = [
    {"id": "standup", "title": "Standup", "content": "Summarise {{notes}} for the standup.", "category": "productivity",
     "tags": ["meetings"], "variables": [{"name": "notes", "hint": "your notes"}]},
    {"id": "bad-category", "title": "Bad", "content": "Text", "category": "nope"},
    {"id": "no-content", "title": "Empty"},
]


def test_import_reports_each_row_and_never_half_imports(db, categories):
    text = "\n".join(json.dumps(r) for r in ROWS) + "\n{not json\n"
    report = transfer.import_rows(transfer.read_rows(text, "jsonl"))
    assert (report.created, report.updated, report.skipped) == (1, 0, 0)
    assert [p["line"] for p in report.invalid] == [2, 3, 4]
    assert "category" in report.invalid[0]["errors"] and "content" in report.invalid[1]["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Template)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TemplateVersion)) == 1
    standup = db.session.scalar(sa.select(Template))
    assert standup.variables[0]["description"] == "your notes"
    again = transfer.import_rows(transfer.read_rows(text, "jsonl"))
    assert (again.created, again.skipped) == (0, 1)
    changed = json.dumps({**ROWS[0], "content": "Summarise {{notes}} briefly."})
    update = transfer.import_rows(transfer.read_rows(changed, "jsonl"))
    assert update.updated == 1
    assert db.session.scalar(sa.select(Template)).version == 2


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_export_then_import_round_trips(db, library, fmt):
    exported = transfer.dump(transfer.export_rows(transfer.templates_for_export(None, library=True)), fmt)
    report = transfer.import_rows(transfer.read_rows(exported, fmt))
    assert report.invalid == []
    assert report.skipped == library and report.created == report.updated == 0


def test_user_imports_are_namespaced_and_private(db, user, categories):
    me = load(db, user)
    text = json.dumps(ROWS[0])
    transfer.import_rows(transfer.read_rows(text, "jsonl"), me, default_public=False)
    transfer.import_rows(transfer.read_rows(text, "jsonl"))  # the same id in the shared library
    rows = db.session.scalars(sa.select(Template).order_by(Template.id)).all()
    assert [(t.owner_id, t.is_public) for t in rows] == [(me.id, False), (None, True)]
