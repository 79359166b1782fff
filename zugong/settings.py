"""Zugong settings: one file, configured from the environment (see README "配置").

ZUGONG_ENV selects the profile: ``development`` (the default: DEBUG, SQLite, dev-only keys so
that ``make run`` needs nothing) or ``production`` (every secret must be given, HTTPS on).
Secrets come from the variable itself or from a file named by ``<NAME>_FILE``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Strict boolean parsing: a typo such as ``ture`` is an error, not False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, dev_default: str | None) -> str:
    """A secret from ``NAME`` or the file named by ``NAME_FILE`` (dev default in development)."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is None and file_name:
        value = Path(file_name).read_text(encoding="utf-8").strip()
    if value:
        return value
    if ZUGONG_ENV == "development" and dev_default is not None:
        return dev_default
    raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set when ZUGONG_ENV={ZUGONG_ENV}")


ZUGONG_ENV = os.environ.get("ZUGONG_ENV", "development")
if ZUGONG_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("ZUGONG_ENV must be 'development' or 'production'")
PRODUCTION = ZUGONG_ENV == "production"

DEBUG = env_bool("ZUGONG_DEBUG", not PRODUCTION)

# Dev-only keys: public, so that `make run` works out of the box. The deploy check
# (core.checks) refuses them when ZUGONG_ENV=production.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-0123456789-zugong-not-for-production"  # noqa: S105
DEV_FIELD_KEYS = "dev1:ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTMyYnk="  # 32 bytes, dev-only
DEV_LOOKUP_KEY = "dev-only-insecure-lookup-hmac-key-for-id-numbers"
DEV_AUDIT_KEY = "dev-only-insecure-audit-chain-hmac-key"

SECRET_KEY = env_secret("ZUGONG_SECRET_KEY", DEV_SECRET_KEY)
# Field encryption keys "id:base64key,id:base64key": the first encrypts, all decrypt
# (so a key can be rotated). AES-256-GCM takes 32-byte keys, SM4-GCM 16-byte keys.
ZUGONG_FIELD_KEYS = env_secret("ZUGONG_FIELD_KEYS", DEV_FIELD_KEYS)
ZUGONG_FIELD_CIPHER = os.environ.get("ZUGONG_FIELD_CIPHER", "aes-gcm")
if ZUGONG_FIELD_CIPHER not in {"aes-gcm", "sm4-gcm"}:
    raise ImproperlyConfigured("ZUGONG_FIELD_CIPHER must be 'aes-gcm' or 'sm4-gcm'")
ZUGONG_LOOKUP_KEY = env_secret("ZUGONG_LOOKUP_KEY", DEV_LOOKUP_KEY)
ZUGONG_AUDIT_KEY = env_secret("ZUGONG_AUDIT_KEY", DEV_AUDIT_KEY)

ALLOWED_HOSTS = env_list(
    "ZUGONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if not PRODUCTION else []
)
CSRF_TRUSTED_ORIGINS = env_list("ZUGONG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    # The project's apps. Their layers (docs/architecture.md, "Layers": core ← audit ← orgs ←
    # accounts ← cadres ← …) are checked by lint-imports; the order of this list is not that.
    "core",
    "audit",
    "accounts",
    "orgs",
    "cadres",
    "supervision",
    "selection",
    "alerts",
    "development",
    "analysis",  # 班子结构 and 结构分析 of a unit and its subtree
    "home",  # the dashboard and the 工作日历 page; reads every app
    "demo",  # top layer: the demo-data generator (seed_demo); builds every app's data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their caching: CSP and Cache-Control: no-store
    # on everything else (pages, API, downloads hold personal data; docs/security.md item 7).
    "core.security_headers.SecurityHeadersMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionPolicyMiddleware",
    "audit.middleware.DecryptionFailureMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zugong.urls"
WSGI_APPLICATION = "zugong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
SQLITE_PATH = Path(os.environ.get("ZUGONG_SQLITE_PATH", BASE_DIR / "var" / "zugong.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # No JIT: our queries are short, and PostgreSQL's cost estimate for a set-based rule
        # over 2M positions made it spend ~400 ms compiling a query that runs in 30 ms.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (str(options.get("options", "")) + " -c jit=off").strip()
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)  # var/ is not in a fresh clone
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so the audit chain's
                # read-last-then-append cannot interleave between two writers.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # docs/security.md, "Reliability": WAL with synchronous=FULL.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions (docs/security.md, "Identity and sessions") ----------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]
ZUGONG_LOCKOUT_THRESHOLD = env_int("ZUGONG_LOCKOUT_THRESHOLD", 5)
ZUGONG_LOCKOUT_MINUTES = env_int("ZUGONG_LOCKOUT_MINUTES", 30)
ZUGONG_PASSWORD_MAX_AGE_DAYS = env_int("ZUGONG_PASSWORD_MAX_AGE_DAYS", 90)
ZUGONG_SESSION_IDLE_MINUTES = env_int("ZUGONG_SESSION_IDLE_MINUTES", 30)
ZUGONG_SESSION_ABSOLUTE_HOURS = env_int("ZUGONG_SESSION_ABSOLUTE_HOURS", 8)
# Roles that must use a TOTP second factor (e.g. "sysadmin,secadmin,auditor"); off by default.
ZUGONG_TOTP_REQUIRED_ROLES = env_list("ZUGONG_TOTP_REQUIRED_ROLES", [])

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = ZUGONG_SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "zugong_session"
CSRF_COOKIE_NAME = "zugong_csrftoken"

# --- HTTPS and headers ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ZUGONG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZUGONG_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ZUGONG_HSTS_PRELOAD", True)
    if env_bool("ZUGONG_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the app append to X-Forwarded-For: the audit's source
# IP is the address the outermost trusted proxy saw (core/middleware.py client_ip). 0 ignores
# the header (REMOTE_ADDR), since a client writes whatever it likes there (docs/security.md).
ZUGONG_TRUSTED_PROXIES = env_int("ZUGONG_TRUSTED_PROXIES", 0)
if ZUGONG_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("ZUGONG_TRUSTED_PROXIES must be 0 or more")

# --- I18N -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# ISO first among the zh-hans input formats, so <input type="date"> gets a value it accepts.
FORMAT_MODULE_PATH = ["zugong.formats"]

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("ZUGONG_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("ZUGONG_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploads held between an import's preview and its confirmation (core/staging.py).
STAGING_ROOT = Path(os.environ.get("ZUGONG_STAGING_ROOT", BASE_DIR / "var" / "staging"))
# Largest image (photo or attachment) decoded, in pixels; checked from the header before any
# decoding, per call (core/attachments.py, check_image_size).
ZUGONG_MAX_IMAGE_PIXELS = int(os.environ.get("ZUGONG_MAX_IMAGE_PIXELS", "25000000"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the app and static/ folders, so the demo
# (`make run`, DEBUG off so that pages look as they will in use) needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest file any import takes (Excel rosters, LRMX files and zips, the unit tree), on
# the page, in the API and from a command alike (core/importing; docs/deployment.md).
ZUGONG_MAX_UPLOAD_BYTES = env_int("ZUGONG_MAX_UPLOAD_MB", 50) * 1024 * 1024

# --- Working-day calendar -------------------------------------------------------------
# A TOML file that adds or overrides years of the holiday calendar (see core/workdays.py).
ZUGONG_CALENDAR_FILE = os.environ.get("ZUGONG_CALENDAR_FILE", "")

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZUGONG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
