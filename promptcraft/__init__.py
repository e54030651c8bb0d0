"""PromptCraft: a workbench for people who write prompts for large language models."""
from __future__ import annotations

from typing import Any

from flask import Flask

from config import Config, config_for


def create_app(config: type[Config] | str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI, logging."""
    config_class = config if isinstance(config, type) else config_for(config)
    config_class.validate()
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    _ensure_sqlite_directory(app.config["SQLALCHEMY_DATABASE_URI"])
    app.url_map.strict_slashes = False  # /api/v2/x and /api/v2/x/ both answer, with no redirect
    app.json.sort_keys = False

    from promptcraft.log import configure_logging

    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_listeners(app)
    register_error_handlers(app)
    register_cli(app)
    register_templating(app)
    return app


def register_extensions(app: Flask) -> None:
    from promptcraft import background, models  # noqa: F401  (models: the whole schema, for Alembic)
    from promptcraft.ai import extension as ai
    from promptcraft.auth import identity, social
    from promptcraft.core import monitoring
    from promptcraft.database import engine_options
    from promptcraft.extensions import api, cors, db, jwt, limiter, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    jwt.init_app(app)
    monitoring.init_app(app)  # first: request id and timing wrap everything else
    identity.init_app(app)  # before the limiter, which keys limits by user
    limiter.init_app(app)
    cors.init_app(
        app,
        resources={r"/api/*": {}, r"/v1/*": {}, r"/openapi.json": {}},
        origins=app.config["CORS_ORIGINS"],
        supports_credentials=True,
        allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-CSRF-TOKEN", "X-Client-Version",
                       "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                        "X-RateLimit-Reset"],
    )
    api.init_app(app)
    social.init_app(app)
    ai.init_app(app)
    background.init_app(app)


def register_blueprints(app: Flask) -> None:
    from promptcraft.ai.api import blp as ai_api
    from promptcraft.ai.v1 import blp as openai_api
    from promptcraft.analytics.api import blp as analytics_api
    from promptcraft.analytics.views import bp as analytics_pages
    from promptcraft.askme.api import blp as askme_api
    from promptcraft.askme.views import bp as askme_pages
    from promptcraft.auth.api import blp as auth_api
    from promptcraft.auth.views import bp as auth_pages
    from promptcraft.billing.api import blp as billing_api
    from promptcraft.billing.views import bp as billing_pages
    from promptcraft.chat.api import blp as chat_api
    from promptcraft.chat.views import bp as chat_pages
    from promptcraft.core.api import blp as core_api
    from promptcraft.core.views import bp as core_pages
    from promptcraft.extensions import api
    from promptcraft.gamification.api import blp as gamification_api
    from promptcraft.gamification.views import bp as gamification_pages
    from promptcraft.history.api import blp as history_api
    from promptcraft.history.views import bp as history_pages
    from promptcraft.orchestrator.ai_api import blp as intelligence_api
    from promptcraft.orchestrator.api import blp as orchestrator_api
    from promptcraft.orchestrator.views import assistant_bp as assistant_pages
    from promptcraft.orchestrator.views import bp as orchestrator_pages
    from promptcraft.prompt_templates.api import blp as templates_api
    from promptcraft.prompt_templates.views import bp as templates_pages
    from promptcraft.research.api import blp as research_api
    from promptcraft.research.views import bp as research_pages

    api.register_blueprint(core_api)  # /health/, /metrics, /api/v2/core/, /api/v2/status/
    api.register_blueprint(auth_api)  # /api/v2/auth/
    api.register_blueprint(templates_api)  # /api/v2/templates/, template-categories/, search/, intent/, prompts/
    api.register_blueprint(history_api)  # /api/v2/history/
    api.register_blueprint(ai_api)  # /api/v2/ai/
    api.register_blueprint(chat_api)  # /api/v2/chat/
    api.register_blueprint(orchestrator_api)  # /api/v2/orchestrator/
    api.register_blueprint(intelligence_api)  # /api/v2/ai/assistant/, agent/, rag/, evaluate/, iterate/, ...
    api.register_blueprint(analytics_api)  # /api/v2/analytics/
    api.register_blueprint(research_api)  # /api/v2/research/
    api.register_blueprint(gamification_api)  # /api/v2/gamification/
    api.register_blueprint(askme_api)  # /api/v2/ai/askme/
    api.register_blueprint(billing_api)  # /api/v2/billing/
    api.register_blueprint(openai_api)  # /v1/chat/completions, /v1/models (OpenAI-compatible)
    app.register_blueprint(core_pages)  # /, /performance
    app.register_blueprint(auth_pages)  # /login, /register, /profile, ...
    app.register_blueprint(templates_pages)  # /library, /categories
    app.register_blueprint(history_pages)  # /history, /saved-prompts
    app.register_blueprint(chat_pages)  # /chat, /ai/providers
    app.register_blueprint(orchestrator_pages)  # /optimizer
    app.register_blueprint(assistant_pages)  # /assistants
    app.register_blueprint(analytics_pages)  # /analytics, /analytics/templates, /analytics/ab-tests
    app.register_blueprint(research_pages)  # /research, /research/<id>
    app.register_blueprint(gamification_pages)  # /achievements, /streak, /leaderboard
    app.register_blueprint(askme_pages)  # /askme, /askme/<session>
    app.register_blueprint(billing_pages)  # /plans


def register_listeners(app: Flask) -> None:
    """Connect each domain's signal receivers (cross-domain effects go through signals)."""
    from promptcraft.analytics import listeners as analytics_listeners
    from promptcraft.billing import listeners as billing_listeners
    from promptcraft.gamification import listeners as gamification_listeners
    from promptcraft.history import listeners as history_listeners

    history_listeners.connect()  # "prompts" in the profile statistics
    analytics_listeners.connect()  # the product's own events, for the dashboards
    gamification_listeners.connect()  # XP, achievements, challenges and streaks from real actions
    billing_listeners.connect()  # plan entitlements, for every quota


def register_error_handlers(app: Flask) -> None:
    from promptcraft.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from promptcraft.cli import register_commands

    register_commands(app)


def register_templating(app: Flask) -> None:
    from promptcraft.htmx import init_app

    init_app(app)


def _ensure_sqlite_directory(uri: str) -> None:
    """A fresh clone has no instance/ folder; SQLite will not create it."""
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
