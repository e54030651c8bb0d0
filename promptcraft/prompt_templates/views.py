"""Library pages: search as you type, filters, detail with live rendering, rating, versions, forms."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, request, url_for

from promptcraft.auth.identity import current_user, login_required, require_user
from promptcraft.errors import AppError
from promptcraft.forms import FormResult, empty_form, load_form
from promptcraft.htmx import hx_redirect, render_page
from promptcraft.prompt_templates import discovery, schemas, service, variables

bp = Blueprint("templates_pages", __name__)

# "" is the default: the best match when searching, the most used otherwise.
SORTS = [("", "Best match"), ("-usage", "Most used"), ("-rating", "Top rated"), ("-created", "Newest"),
         ("title", "Title A–Z")]


@bp.route("/library")
def library():
    """The library: search as you type, filters and sorting; the URL follows every change."""
    # The API's query schema; a bad value is a 400 page like any validation error.
    args = schemas.TemplateQuerySchema().load({k: v for k, v in request.args.items() if v != ""},
                                              unknown="exclude")
    user = current_user()
    filters = discovery.Filters(category=args.get("category"), tag=args.get("tag"),
                                owner_me=args.get("owner") == "me" and user is not None)
    ordering = args.get("ordering") or (None if args.get("q") else "-usage")
    page = discovery.list_templates(user, q=args.get("q"), filters=filters, ordering=ordering,
                                    page=args["page"], page_size=args.get("page_size", 20))
    return render_page("templates/library.html", "results", page=page, args=args, sorts=SORTS,
                       categories=discovery.categories(user))


@bp.route("/categories")
def categories():
    """Every category with its template count."""
    return render_page("templates/categories.html", categories=discovery.categories(current_user()))


def _detail_context(template, user) -> dict[str, Any]:
    return {
        "template": template,
        "can_edit": user is not None and (template.owner_id == user.id or user.is_staff),
        "my_rating": service.user_rating(template.id, user),
        "versions": service.versions(template.id, user),
        "similar": discovery.similar(template.id, user, limit=6),
    }


@bp.route("/library/<id:template_id>")
def detail(template_id: int):
    """A template: fill its variables and see the prompt live, copy, rate, versions, fork."""
    user = current_user()
    template = service.view_template(template_id, user)
    preview, missing = variables.render(template.content, template.variables, {})
    return render_page("templates/detail.html", preview=preview, missing=missing, **_detail_context(template, user))


@bp.route("/library/<id:template_id>/preview", methods=["POST"])
def preview(template_id: int):
    """The prompt with the values typed so far (not counted as a use)."""
    template = service.get_template(template_id, current_user())
    values = {k.removeprefix("var_"): v for k, v in request.form.items() if k.startswith("var_")}
    text, missing = variables.render(template.content, template.variables, values)
    return render_page("templates/_preview.html", preview=text, missing=missing, template=template)


@bp.route("/library/<id:template_id>/use", methods=["POST"])
def use(template_id: int):
    """Copying the filled-in prompt counts as a use when nothing required is missing."""
    values = {k.removeprefix("var_"): v for k, v in request.form.items() if k.startswith("var_")}
    template, _ = service.render_template(template_id, current_user(), values)
    return render_page("templates/_usage.html", template=template)


@bp.route("/library/<id:template_id>/rate", methods=["POST"])
@login_required
def rate(template_id: int):
    """Rate from the detail page; the rating block is redrawn."""
    user = require_user()
    form = {"score": request.form.get("score", ""), "review": request.form.get("review", "")}
    data = schemas.RateFormSchema().load(form)
    service.rate_template(template_id, user, data["score"], data["review"])
    template = service.get_template(template_id, user)
    return render_page("templates/detail.html", "rating", **_detail_context(template, user))


@bp.route("/library/<id:template_id>/duplicate", methods=["POST"])
@login_required
def duplicate(template_id: int):
    """Fork into your library and open the copy for editing."""
    copy = service.duplicate_template(template_id, require_user())
    flash("A private copy is now in your library.", "success")
    return hx_redirect(url_for("templates_pages.edit", template_id=copy.id))


@bp.route("/library/<id:template_id>", methods=["DELETE"])
@login_required
def delete(template_id: int):
    """Delete your template."""
    service.delete_template(template_id, require_user())
    flash("Template deleted.", "info")
    return hx_redirect(url_for("templates_pages.library"))


def _form_to_api(values: dict[str, Any]) -> dict[str, Any]:
    """The form's flat fields in the API's shape: tags list, checkbox, variable declarations."""
    data = {k: v for k, v in values.items() if not k.startswith("var_")}
    data["tags"] = [t.strip() for t in values.get("tags", "").split(",") if t.strip()]
    data["is_public"] = values.get("is_public") == "on"
    names = variables.placeholders(values.get("content", ""))
    data["variables"] = [{"name": name, "description": values.get(f"var_{name}_description", ""),
                          "default": values.get(f"var_{name}_default") or None} for name in names]
    data["category"] = values.get("category") or None
    return data


def _form_page(template, form: FormResult, status: int = 200):
    user = require_user()
    detected = variables.placeholders(form.values.get("content", template.content if template else ""))
    declared = {v["name"]: v for v in (template.variables if template else [])}
    return render_page("templates/form.html", "form", template=template, form=form, detected=detected,
                       declared=declared, categories=discovery.categories(user)), status


@bp.route("/library/new", methods=["GET", "POST"])
@login_required
def create():
    """Write a new template; validation errors appear next to their fields."""
    if request.method == "GET":
        return _form_page(None, empty_form(is_public="on"))
    form = load_form(schemas.TemplateCreateSchema(), prepare=_form_to_api)
    if form.ok:
        try:
            template = service.create_template(require_user(), form.data)
            flash("Template created.", "success")
            return hx_redirect(url_for("templates_pages.detail", template_id=template.id))
        except AppError as error:
            form.fail(error)
    return _form_page(None, form, 400)


@bp.route("/library/<id:template_id>/edit", methods=["GET", "POST"])
@login_required
def edit(template_id: int):
    """Edit your template; changing its text records a new version."""
    template = service.editable(template_id, require_user())
    if request.method == "GET":
        values = {"title": template.title, "description": template.description, "content": template.content,
                  "category": template.category.slug if template.category else "", "tags": ", ".join(template.tags),
                  "is_public": "on" if template.is_public else ""}
        return _form_page(template, empty_form(**values))
    form = load_form(schemas.TemplateUpdateSchema(), prepare=_form_to_api)
    if form.ok:
        try:
            service.update_template(template_id, require_user(), form.data)
            flash("Template saved.", "success")
            return hx_redirect(url_for("templates_pages.detail", template_id=template_id))
        except AppError as error:
            form.fail(error)
    return _form_page(template, form, 400)


@bp.route("/library/variables", methods=["POST"])
@login_required
def detected_variables():
    """As the content is typed, the variables it declares (for the form's variables section)."""
    content = request.form.get("content", "")
    return render_page("templates/_variables.html", detected=variables.placeholders(content),
                       values=request.form, declared={})
