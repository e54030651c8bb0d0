"""Configuration classes. This is the only module that reads the environment.

`.env` in the project root is read when present; real environment variables win.
"""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env", override=False)

DEV_SECRET = "dev-secret-key-not-for-production"
DEV_JWT_SECRET = "dev-jwt-secret-key-not-for-production-use"


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_float(name: str, default: float) -> float:
    return float(env(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in (env(name, default) or "").split(",") if part.strip()]


def database_url(raw: str) -> str:
    """Normalise a database URL: PostgreSQL always goes through psycopg 3 (gevent-friendly)."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


class Config:
    APP_NAME = "PromptCraft"
    VERSION = "2.0.0"
    INSTANCE_DIR = BASE_DIR / "instance"

    SECRET_KEY = env("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = database_url(
        env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'promptcraft.db'}")
    )
    # A ping per checkout survives database restarts at the cost of a round trip per checkout;
    # recycling connections every half hour covers idle timeouts without it.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": env_bool("DB_POOL_PRE_PING", False), "pool_recycle": 1800}
    # Greenlets share the process: size the pool for concurrent requests, not for cores.
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 20)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 30)

    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    JSON_SORT_KEYS = False

    # Tokens: Flask-JWT-Extended, in headers for API clients and httpOnly cookies for the UI.
    JWT_SECRET_KEY = env("JWT_SECRET_KEY", DEV_JWT_SECRET)
    JWT_ALGORITHM = "HS256"
    JWT_DECODE_ALGORITHMS = ["HS256"]
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15))
    JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=env_int("JWT_REFRESH_DAYS", 30))
    JWT_TOKEN_LOCATION = ["headers", "cookies"]
    JWT_COOKIE_SECURE = env_bool("COOKIE_SECURE", False)
    JWT_COOKIE_SAMESITE = "Lax"
    JWT_COOKIE_CSRF_PROTECT = True
    JWT_CSRF_IN_COOKIES = True
    JWT_ACCESS_COOKIE_PATH = "/"
    JWT_REFRESH_COOKIE_PATH = "/"
    JWT_SESSION_COOKIE = False
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True

    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10

    # Rate limits (Flask-Limiter). memory:// serves one process; use Redis for several.
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_DEFAULT = env("RATELIMIT_DEFAULT", "600 per minute")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = env("RATELIMIT_KEY_PREFIX", "promptcraft")
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ACCOUNT_RATE_LIMIT = env("LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute")
    REGISTER_RATE_LIMIT = env("REGISTER_RATE_LIMIT", "5 per minute")

    CORS_ORIGINS = env_list("CORS_ORIGINS", "http://localhost:3000,http://127.0.0.1:3000")
    METRICS_TOKEN = env("METRICS_TOKEN")
    PERF_WINDOW_SIZE = env_int("PERF_WINDOW_SIZE", 2000)

    # Social login: OAUTH_PROVIDERS=github,google, then per provider
    # OAUTH_<NAME>_CLIENT_ID / _CLIENT_SECRET / _AUTHORIZE_URL / _TOKEN_URL / _USERINFO_URL / _SCOPE.
    OAUTH_PROVIDERS = {
        name: {
            "client_id": env(f"OAUTH_{name.upper()}_CLIENT_ID"),
            "client_secret": env(f"OAUTH_{name.upper()}_CLIENT_SECRET"),
            "authorize_url": env(f"OAUTH_{name.upper()}_AUTHORIZE_URL"),
            "token_url": env(f"OAUTH_{name.upper()}_TOKEN_URL"),
            "userinfo_url": env(f"OAUTH_{name.upper()}_USERINFO_URL"),
            "scope": env(f"OAUTH_{name.upper()}_SCOPE", "openid email profile"),
            "label": env(f"OAUTH_{name.upper()}_LABEL", name.title()),
        }
        for name in env_list("OAUTH_PROVIDERS")
    }
    OAUTH_TIMEOUT_SECONDS = env_float("OAUTH_TIMEOUT_SECONDS", 10.0)

    # AI gateway (see the ai domain).
    AI_PROVIDERS = env_list("AI_PROVIDERS", "local")
    AI_TIMEOUT_SECONDS = env_float("AI_TIMEOUT_SECONDS", 60.0)
    DEEPSEEK_API_KEY = env("DEEPSEEK_API_KEY")
    DEEPSEEK_BASE_URL = env("DEEPSEEK_BASE_URL", "https://api.deepseek.com")
    DEEPSEEK_MODEL = env("DEEPSEEK_MODEL", "deepseek-v4-flash")
    DEEPSEEK_MODELS = env_list("DEEPSEEK_MODELS", "deepseek-v4-flash,deepseek-v4-pro")
    OPENAI_COMPATIBLE_BASE_URL = env("OPENAI_COMPATIBLE_BASE_URL")
    OPENAI_COMPATIBLE_API_KEY = env("OPENAI_COMPATIBLE_API_KEY")
    OPENAI_COMPATIBLE_MODEL = env("OPENAI_COMPATIBLE_MODEL")
    AI_CONNECT_TIMEOUT_SECONDS = env_float("AI_CONNECT_TIMEOUT_SECONDS", 5.0)
    AI_RETRIES = env_int("AI_RETRIES", 1)  # per provider, before the first byte only
    # Upstream connections each provider keeps open for reuse: as many as streams run at once
    # (gunicorn.conf.py's WORKER_CONNECTIONS), so a busy worker does not reconnect per call.
    AI_POOL_SIZE = env_int("AI_POOL_SIZE", 1000)
    AI_KEEPALIVE_SECONDS = env_float("AI_KEEPALIVE_SECONDS", 2.0)  # also bounds how soon a gone client is noticed
    LOCAL_ENGINE_CHUNK_DELAY = env_float("LOCAL_ENGINE_CHUNK_DELAY", 0.012)  # seconds between streamed words
    # Daily allowance per user when no plan says otherwise (billing plans override it).
    AI_DAILY_REQUESTS = env_int("AI_DAILY_REQUESTS", 200)
    AI_DAILY_TOKENS = env_int("AI_DAILY_TOKENS", 200_000)
    # AskMe's stream/ ends (with an `error` event the client may reconnect after) when a session is quiet this long.
    ASKME_STREAM_SECONDS = env_float("ASKME_STREAM_SECONDS", 300.0)
    CHAT_HISTORY_TOKEN_BUDGET = env_int("CHAT_HISTORY_TOKEN_BUDGET", 6000)
    MAX_API_KEYS = env_int("MAX_API_KEYS", 20)
    RESEARCH_JOBS_PER_DAY = env_int("RESEARCH_JOBS_PER_DAY", 20)
    # Research jobs: web search through Tavily when a key is set; a job whose heartbeat is older
    # than RESEARCH_STALE_SECONDS was left by a dead process and is resumed (up to
    # RESEARCH_MAX_ATTEMPTS runs in all) or failed.
    TAVILY_API_KEY = env("TAVILY_API_KEY")
    TAVILY_BASE_URL = env("TAVILY_BASE_URL", "https://api.tavily.com")
    TAVILY_TIMEOUT_SECONDS = env_float("TAVILY_TIMEOUT_SECONDS", 20.0)
    TAVILY_CONNECT_TIMEOUT_SECONDS = env_float("TAVILY_CONNECT_TIMEOUT_SECONDS", 5.0)
    RESEARCH_STALE_SECONDS = env_int("RESEARCH_STALE_SECONDS", 300)
    RESEARCH_MAX_ATTEMPTS = env_int("RESEARCH_MAX_ATTEMPTS", 2)
    RESEARCH_POLL_SECONDS = env_float("RESEARCH_POLL_SECONDS", 0.5)  # how often a progress stream looks
    # USD per million tokens, by the day a price took effect (the latest row on or before a
    # call's date applies). Keep it in step with the providers' pricing pages; AI_PRICES_JSON
    # (a JSON list of the same rows) replaces it without a code change.
    AI_PRICES = json.loads(env("AI_PRICES_JSON", "null") or "null") or [
        {"model": "deepseek-chat", "from": "2024-12-26", "input_cache_hit": 0.014, "input_cache_miss": 0.14,
         "output": 0.28},
        {"model": "deepseek-chat", "from": "2025-02-09", "input_cache_hit": 0.07, "input_cache_miss": 0.27,
         "output": 1.10},
        {"model": "deepseek-reasoner", "from": "2025-01-20", "input_cache_hit": 0.14, "input_cache_miss": 0.55,
         "output": 2.19},
        {"model": "deepseek-chat", "from": "2025-09-05", "input_cache_hit": 0.07, "input_cache_miss": 0.56,
         "output": 1.68},
        {"model": "deepseek-reasoner", "from": "2025-09-05", "input_cache_hit": 0.07, "input_cache_miss": 0.56,
         "output": 1.68},
        {"model": "deepseek-chat", "from": "2025-09-29", "input_cache_hit": 0.028, "input_cache_miss": 0.28,
         "output": 0.42},
        {"model": "deepseek-reasoner", "from": "2025-09-29", "input_cache_hit": 0.028, "input_cache_miss": 0.28,
         "output": 0.42},
        {"model": "deepseek-v4-flash", "from": "2026-07-24", "input_cache_hit": 0.028, "input_cache_miss": 0.28,
         "output": 0.42},
        {"model": "deepseek-v4-pro", "from": "2026-07-24", "input_cache_hit": 0.14, "input_cache_miss": 1.40,
         "output": 2.80},
    ]

    # Billing (Stripe, through the official `stripe` package). Without STRIPE_SECRET_KEY plans,
    # entitlements and usage still work; checkout and the billing portal answer 503.
    STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
    # Plan code -> Stripe price id: "pro=price_123,team=price_456".
    STRIPE_PRICES = dict(part.split("=", 1) for part in env_list("STRIPE_PRICES") if "=" in part)
    STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
    STRIPE_TIMEOUT_SECONDS = env_float("STRIPE_TIMEOUT_SECONDS", 20.0)
    STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)  # seconds
    # Days a past-due subscription keeps its plan before entitlements fall back to free.
    BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 3)

    # OpenAPI (flask-smorest + apispec); Swagger UI is served from vendored files.
    API_TITLE = "PromptCraft API"
    API_VERSION = "v2"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "api/docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"

    LOG_LEVEL = env("LOG_LEVEL", "INFO")
    # Side effects of finished AI calls and chat turns run after the response, off the request
    # (promptcraft.background); inline, they run in the caller (tests: deterministic).
    BACKGROUND_INLINE = env_bool("BACKGROUND_INLINE", False)
    # With a Redis URL, research jobs and the side effects of chat turns run on RQ workers (`flask
    # jobs worker`, the Procfile's worker line) instead of in the serving process (promptcraft.jobs).
    JOB_QUEUE_URL = env("JOB_QUEUE_URL")
    JOB_QUEUE_NAME = env("JOB_QUEUE_NAME", "promptcraft")
    JOB_TIMEOUT_SECONDS = env_int("JOB_TIMEOUT_SECONDS", 1800)
    JOB_FAILURE_TTL_SECONDS = env_int("JOB_FAILURE_TTL_SECONDS", 7 * 24 * 3600)
    TESTING = False
    DEBUG = False

    @classmethod
    def validate(cls) -> None:
        """Refuse configurations that would be unsafe to serve; overridden where it matters."""


class DevelopmentConfig(Config):
    DEBUG = env_bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    JWT_SECRET_KEY = "testing-jwt-secret-key-that-is-long-enough"
    SQLALCHEMY_DATABASE_URI = database_url(env("TEST_DATABASE_URL", "sqlite://"))
    # Hashing cost is irrelevant to what the tests check; scrypt would dominate their run time.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_DEFAULT = "100000 per minute"
    RATELIMIT_KEY_PREFIX = f"promptcraft-test-{os.getpid()}"
    CORS_ORIGINS = ["http://frontend.test"]
    METRICS_TOKEN = "test-metrics-token"
    AI_PROVIDERS = ["local"]
    AI_RETRIES = 0
    LOCAL_ENGINE_CHUNK_DELAY = 0.0
    OAUTH_PROVIDERS: dict = {}
    TAVILY_API_KEY = None  # tests point it at a fake Tavily when they want web search
    RESEARCH_POLL_SECONDS = 0.05
    BACKGROUND_INLINE = True
    JOB_QUEUE_URL = None  # tests that use RQ set it


class ProductionConfig(Config):
    JWT_COOKIE_SECURE = env_bool("COOKIE_SECURE", True)
    SESSION_COOKIE_SECURE = JWT_COOKIE_SECURE

    @classmethod
    def validate(cls) -> None:
        weak = [
            name
            for name, value, dev in (
                ("SECRET_KEY", cls.SECRET_KEY, DEV_SECRET),
                ("JWT_SECRET_KEY", cls.JWT_SECRET_KEY, DEV_JWT_SECRET),
            )
            if not value or value == dev or len(value) < 32
        ]
        if weak:
            raise RuntimeError(
                "Production refuses to start without real secrets: set "
                + ", ".join(weak)
                + " (at least 32 random characters each)."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The config class named by `name` or by APP_ENV (development by default)."""
    key = (name or env("APP_ENV", "development")).lower()
    if key not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {key!r}")
    return CONFIGS[key]
