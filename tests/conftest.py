"""Fixtures: one app and one schema per session, every test isolated by emptying the tables.

SQLite (a temporary file) by default; PostgreSQL when TEST_DATABASE_URL is set; Redis for the
rate limiter when RATELIMIT_STORAGE_URI is set, and for the tests of RQ job workers (`job_queue`,
JOB_QUEUE_TEST_URL; skipped when no Redis answers).
"""
from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade
from rq import Queue, SimpleWorker
from werkzeug.serving import make_server

from promptcraft import create_app
from promptcraft.extensions import db as _db
from promptcraft.extensions import limiter
from tests.factories import PASSWORD, UserFactory
from tests.fakes.deepseek import API_KEY as DEEPSEEK_KEY
from tests.fakes.deepseek import FakeDeepSeek
from tests.fakes.oauth_provider import FakeOAuthProvider
from tests.fakes.stripe import FakeStripe
from tests.prompt_templates.conftest import categories, library, make_template  # noqa: F401  (shared fixtures)


def _database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema() -> None:
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    upgrade()


@pytest.fixture(scope="session")
def oauth_provider():
    provider = FakeOAuthProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, oauth_provider):
    overrides = {
        "OAUTH_PROVIDERS": {"acme": oauth_provider.settings()},
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SERVER_NAME": None,
    }
    if overrides["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        overrides["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + overrides["SQLALCHEMY_DATABASE_URI"][13:]
    app = create_app("testing", overrides)
    with app.app_context():
        _reset_schema()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())
        limiter.reset()
    app.extensions["perf_window"]._records.clear()


@pytest.fixture(autouse=True)
def _isolate(app):
    yield
    _empty_tables(app)


@pytest.fixture
def db(app):
    """An application context with the database, for tests that read or write rows directly."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a user; returns it detached with its attributes loaded."""

    def make(**fields):
        with app.app_context():
            user = UserFactory(**fields)
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user

    return make


@pytest.fixture
def user(make_user):
    return make_user(username="ada", email="ada@example.test")


@pytest.fixture
def staff(make_user):
    return make_user(username="grace", email="grace@example.test", is_staff=True)


@dataclass
class Auth:
    client: object

    def login(self, user, password: str = PASSWORD) -> dict:
        response = self.client.post("/api/v2/auth/login/", json={"username": user.username, "password": password})
        assert response.status_code == 200, response.json
        return response.json

    def headers(self, user) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(user)['access']}"}

    def cookie_login(self, user, password: str = PASSWORD) -> str:
        """Sign in through the page, leaving the auth cookies in the client; returns the CSRF token."""
        response = self.client.post("/login", data={"username_or_email": user.username, "password": password})
        assert response.status_code in (204, 303), response.data
        return self.client.get_cookie("csrf_access_token").value


@pytest.fixture
def auth(client):
    return Auth(client)


class LiveServer:
    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_deepseek_server():
    server = FakeDeepSeek().start()
    yield server
    server.stop()


@pytest.fixture
def fake_deepseek(fake_deepseek_server):
    """A real HTTP server on 127.0.0.1 speaking DeepSeek's wire format; scripted per test."""
    fake_deepseek_server.reset()
    yield fake_deepseek_server
    fake_deepseek_server.reset()


@pytest.fixture
def use_deepseek(app, fake_deepseek, monkeypatch):
    """Point the app's gateway at the fake DeepSeek (chain: deepseek, then local); returns the fake."""
    from promptcraft.ai.gateway import Gateway

    def configure(chain=("deepseek", "local"), timeout=2.0):
        config = {**app.config, "AI_PROVIDERS": list(chain), "DEEPSEEK_BASE_URL": fake_deepseek.url,
                  "DEEPSEEK_API_KEY": DEEPSEEK_KEY, "AI_TIMEOUT_SECONDS": timeout, "AI_KEEPALIVE_SECONDS": 0.2}
        monkeypatch.setitem(app.extensions, "ai_gateway", Gateway(config))
        monkeypatch.setitem(app.config, "AI_KEEPALIVE_SECONDS", 0.2)
        return fake_deepseek

    return configure


@pytest.fixture(scope="session")
def fake_stripe_server():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(app, fake_stripe_server, monkeypatch):
    """A real HTTP server on 127.0.0.1 speaking Stripe's wire format, with the app configured for it."""
    fake_stripe_server.reset()
    for key, value in fake_stripe_server.settings().items():
        monkeypatch.setitem(app.config, key, value)
    yield fake_stripe_server
    fake_stripe_server.reset()


JOB_QUEUE_TEST_URL = os.environ.get("JOB_QUEUE_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> redis.Redis:
    connection = redis.Redis.from_url(JOB_QUEUE_TEST_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {JOB_QUEUE_TEST_URL}")
    return connection


@pytest.fixture
def job_queue(app, monkeypatch):
    """A job queue as production has it: background jobs go to an RQ queue of this test's own;
    `job_queue.work()` runs what is queued in a worker, as `flask jobs worker --burst` does."""
    connection = _redis_or_skip()
    name = f"promptcraft-test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "JOB_QUEUE_URL", JOB_QUEUE_TEST_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE_NAME", name)
    app.extensions.pop("job_queue", None)
    queue = Queue(name, connection=connection)

    def work() -> None:
        with app.app_context():
            assert SimpleWorker([queue], connection=connection).work(burst=True)

    queue.work = work
    yield queue
    app.extensions.pop("job_queue", None)
    queue.empty()
    queue.delete()
