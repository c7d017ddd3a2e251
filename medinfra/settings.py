"""Settings for every deployment, driven by environment variables (see README.md)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MEDINFRA_VAR_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one kept under var/ so sessions survive restarts."""
    key = os.environ.get("MEDINFRA_SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


DEBUG = _flag("MEDINFRA_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MEDINFRA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MEDINFRA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "medinfra.core",
    "medinfra.geography",
    "medinfra.sources",
    "medinfra.facilities",
    "medinfra.incidents",
    "medinfra.vehicles",
    "medinfra.recovery",
    "medinfra.partnerships",
    "medinfra.figures",
    "medinfra.occupied",
    "medinfra.evidence",
    "medinfra.exchange",
    "medinfra.reporting",
    "medinfra.dashboard",
    "medinfra.api",
    "medinfra.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medinfra.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed here (WhiteNoise compresses static files ahead of time); Django
    # masks the CSRF token and pads the gzip header, which defeats BREACH. Kept answers come
    # compressed already, their CSRF token in an uncompressed block (dashboard/gzipped.py).
    "django.middleware.gzip.GZipMiddleware",
    # A kept answer of the figures is served here, without the middleware below (pagecache).
    "medinfra.dashboard.middleware.FiguresCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "medinfra.dashboard.middleware.ForeignBrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "medinfra.urls"
WSGI_APPLICATION = "medinfra.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medinfra.core.context_processors.dataset",
                "medinfra.core.context_processors.staff",
                "medinfra.dashboard.context_processors.display",
            ],
        },
    },
]

# The embedded default is a SQLite file under ./var; production sets DATABASE_URL to PostgreSQL.
DEFAULT_SQLITE_PATH = VAR_DIR / "medinfra.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("MEDINFRA_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("MEDINFRA_TEST_SQLITE", "")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not _flag(
    "MEDINFRA_POSTGRES_JIT"
):
    # The figures' aggregates cost enough to make PostgreSQL compile them to machine code
    # first, which took longer than running them (at a million incidents, 294 ms of a 540 ms
    # query); they are asked once per data version, so the compiled code is never reused.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, (options.get("options"), "-c jit=off")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", "Українська"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("MEDINFRA_TIME_ZONE", "Europe/Kyiv")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "MEDINFRA_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "private"
# Imports: files up to this size are accepted from the staff page (the command line has no limit).
MEDINFRA_IMPORT_MAX_BYTES = int(os.environ.get("MEDINFRA_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "medinfra",
        "TIMEOUT": int(os.environ.get("MEDINFRA_CACHE_SECONDS", "300")),
    }
}

# While one request computes the figures of a newer data version, others may be answered the
# figures of an older version of the same audit chain, at most this many seconds old (0: never).
MEDINFRA_FIGURES_STALE_SECONDS = int(os.environ.get("MEDINFRA_FIGURES_STALE_SECONDS", "30"))
# Within that bound, a server process asks the database for the data version at most this
# often; in between, the version it last saw stands for the current one (0: at every request).
# Figures due to be computed again (older than half the bound) are computed in a thread of
# their own while every reader gets the older ones; off, the request that finds them due does it.
MEDINFRA_FIGURES_COMPUTE_BEHIND = _flag("MEDINFRA_FIGURES_COMPUTE_BEHIND", default=True)
MEDINFRA_FIGURES_RECHECK_SECONDS = float(os.environ.get("MEDINFRA_FIGURES_RECHECK_SECONDS", "0.25"))

LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = ["medinfra.core.auth.RateLimitedBackend"]
MEDINFRA_LOGIN_MAX_FAILURES = int(os.environ.get("MEDINFRA_LOGIN_MAX_FAILURES", "5"))
MEDINFRA_LOGIN_LOCK_MINUTES = int(os.environ.get("MEDINFRA_LOGIN_LOCK_MINUTES", "15"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _flag("MEDINFRA_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("MEDINFRA_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("MEDINFRA_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "medinfra.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # MEDINFRA_LOG_FORMAT=json: one JSON object per line, for log collectors.
            "formatter": "json" if os.environ.get("MEDINFRA_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MEDINFRA_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry query strings typed by users: keep them out of the logs.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# The country this deployment is about; regions and bounds of every country come from data.
MEDINFRA_COUNTRY = os.environ.get("MEDINFRA_COUNTRY", "UA")
