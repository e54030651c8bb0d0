"""Extension objects, created without an app and bound in `create_app`."""
from __future__ import annotations

from flask import current_app, g, request
from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from promptcraft.http import Api

# A fixed naming convention keeps constraint names, and so Alembic diffs, stable on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def rate_limit_key() -> str:
    """Authenticated callers are limited per user, anonymous ones per IP address."""
    user_id = getattr(g, "rate_limit_user", None)
    return f"user:{user_id}" if user_id else f"ip:{get_remote_address()}"


def _exempt_from_limits() -> bool:
    return request.path.startswith("/static/") or request.path in {"/health/", "/health"}


# Objects stay usable after a commit: a stream or a response built after the service commits
# must not reload every attribute (one query each) from the database.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
jwt = JWTManager()
# The default limit is read per request, so each app's RATELIMIT_DEFAULT applies to it.
limiter = Limiter(
    key_func=rate_limit_key,
    default_limits=[lambda: current_app.config["RATELIMIT_DEFAULT"]],
    default_limits_exempt_when=_exempt_from_limits,
)
cors = CORS()
api = Api()
