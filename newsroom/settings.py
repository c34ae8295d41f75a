"""Settings of the newsroom, read from the environment through the strict helpers in ``env``.

Development needs nothing but Python: SQLite under ``var/``, Celery on kombu's filesystem
transport, a file cache. Production (``NEWSROOM_PRODUCTION=true``) demands real secrets and turns
on every transport-security setting so that ``manage.py check --deploy`` stays silent.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_int_map, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NEWSROOM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("NEWSROOM_PRODUCTION", False)
TESTING = "pytest" in sys.modules or env_bool("NEWSROOM_TESTING", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false in production mode.")
# Demo mode: seeded users with printed passwords and a visible banner; never in production.
DEMO_MODE = env_bool("NEWSROOM_DEMO", not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("NEWSROOM_DEMO cannot be switched on in production mode.")


def _development_secret_key() -> str:
    # A random key kept under var/ so sessions survive restarts of the development server.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = env_str("SECRET_KEY", required=PRODUCTION) or _development_secret_key()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the newsroom's host in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The address people use to reach the newsroom, for links in emails, feeds and push messages.
NEWSROOM_BASE_URL = env_str("NEWSROOM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "accounts",
    "newsroom",
    "approvals",
    "channels_publish",
    "crisis",
    "inbox",
    "analytics",
    "pwa",
    # The Django admin behind two-factor authentication (accounts.admin_site).
    "accounts.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.PermissionsPolicyMiddleware",
    "newsroom.middleware.AuditContextMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsroom.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Second factor before anything else; records when a session was last seen.
    "accounts.middleware.SecurityMiddleware",
    # Last, as django-axes asks: turns a lockout into the German login page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.newsroom",
                "crisis.context_processors.crisis",
                "accounts.context_processors.security",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and scheduler share one SQLite file: WAL lets readers and the writer coexist,
    # IMMEDIATE takes the write lock at BEGIN so a transaction never fails half-way on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that worker processes started by tests can open the test database.
    DATABASES["default"]["TEST"] = {"NAME": f"{tempfile.gettempdir()}/newsroom-{os.getpid()}.db"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Tasks are short; the database holds the schedule, so no task waits anywhere near this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        }
    }
else:
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    for _folder in (_queue_dir, _processed_dir, VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    # kombu's filesystem transport with atomic writes (see newsroom/broker.py).
    CELERY_BROKER_TRANSPORT = "newsroom.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # The default polls once a second, which caps a burst of deliveries at ~8 per second.
        "polling_interval": 0.1,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

if TESTING and not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TIMEZONE = "Europe/Berlin"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-deliveries": {
        "task": "channels_publish.tasks.dispatch_due",
        "schedule": timedelta(seconds=2),
    },
    "sweep-deliveries": {
        "task": "channels_publish.tasks.sweep_deliveries",
        "schedule": timedelta(seconds=30),
    },
    "review-reminders": {
        "task": "newsroom.tasks.remind_due_reviews",
        "schedule": timedelta(minutes=5),
    },
    "end-due-crises": {
        "task": "crisis.tasks.end_due_crises",
        "schedule": timedelta(seconds=30),
    },
    "enforce-retention": {
        "task": "newsroom.tasks.enforce_retention",
        "schedule": timedelta(hours=6),
    },
    "inbox-ingest": {
        "task": "inbox.tasks.ingest_all",
        "schedule": timedelta(minutes=2),
    },
    "inbox-dispatch-replies": {
        "task": "inbox.tasks.dispatch_replies",
        "schedule": timedelta(seconds=10),
    },
    "inbox-notify-overdue": {
        "task": "inbox.tasks.notify_overdue",
        "schedule": timedelta(minutes=10),
    },
    "scheduler-heartbeat": {
        "task": "newsroom.tasks.scheduler_heartbeat",
        "schedule": timedelta(seconds=15),
    },
    "analytics-collect-metrics": {
        "task": "analytics.tasks.collect_metrics",
        "schedule": timedelta(hours=1),
    },
    "analytics-aggregate-topics": {
        "task": "analytics.tasks.aggregate_topics",
        "schedule": timedelta(minutes=10),
    },
    "analytics-monthly-reports": {
        "task": "analytics.tasks.send_monthly_reports",
        "schedule": timedelta(hours=6),
    },
}
if DEMO_MODE:
    # The demo's citizens write on the networks sandbox, a few items per run.
    CELERY_BEAT_SCHEDULE["inbox-demo-citizens"] = {
        "task": "inbox.tasks.demo_citizens",
        "schedule": timedelta(seconds=40),
    }

# --- Authentication and permissions ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: logged-out visitors have no rights at all.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12 if PRODUCTION else 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Two-factor authentication (django-otp): required for Amtsleitung, Chef/in vom Dienst and
# Administrator/in when true; optional for everyone else. Demo mode may switch it off (a notice
# says so); production cannot.
NEWSROOM_REQUIRE_2FA = env_bool("NEWSROOM_REQUIRE_2FA", PRODUCTION)
if PRODUCTION and not NEWSROOM_REQUIRE_2FA:
    raise ImproperlyConfigured("NEWSROOM_REQUIRE_2FA cannot be switched off in production mode.")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Newsroom")
# Login throttling (django-axes): lock a username from one address after repeated failures.
# Tests sign in and fail on purpose many times; tests/security lowers the limit again.
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 1000 if TESTING else 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 15))
# A username is locked from one address, and also on its own: spreading guesses over many
# addresses (or faked X-Forwarded-For headers) does not buy more attempts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.axes.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# The newsroom's own audit log records sign-ins; no second log of addresses.
AXES_DISABLE_ACCESS_LOG = True
# accounts.admin registers attempts with an audited unlock action instead.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.ApiUserRateThrottle",
        "accounts.throttling.ApiAnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "100000/hour" if TESTING else "2000/hour"),
        "anon": env_str("API_RATE_ANON", "100000/hour" if TESTING else "60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": "Plan, review and publish the city's messages on every channel.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsroom.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReplyStatusEnum": "inbox.models.ReplyStatus",
        "PostStatusEnum": "newsroom.models.PostStatus",
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Instagram and the website fetch our media by URL: this must be reachable from the networks.
NEWSROOM_PUBLIC_MEDIA_BASE_URL = env_str(
    "NEWSROOM_PUBLIC_MEDIA_BASE_URL", f"{NEWSROOM_BASE_URL}{MEDIA_URL}"
)
MEDIA_MAX_IMAGE_BYTES = env_int("MEDIA_MAX_IMAGE_BYTES", 25 * 1024 * 1024)
MEDIA_MAX_IMAGE_PIXELS = env_int("MEDIA_MAX_IMAGE_PIXELS", 50_000_000)
MEDIA_MAX_VIDEO_BYTES = env_int("MEDIA_MAX_VIDEO_BYTES", 512 * 1024 * 1024)
MEDIA_MAX_VIDEO_SECONDS = env_int("MEDIA_MAX_VIDEO_SECONDS", 60 * 60)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsroom@stadt.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Encryption of channel credentials ------------------------------------------------------
def _development_fernet_key() -> str:
    digest = hashlib.sha256(f"newsroom-fernet:{SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# The first key encrypts; all keys decrypt, so a new key can be added in front and old data
# re-encrypted with `manage.py rotate_credentials` before the old key is dropped.
NEWSROOM_FERNET_KEYS = env_list("NEWSROOM_FERNET_KEYS", [] if PRODUCTION else [
    _development_fernet_key()
])
if PRODUCTION and not NEWSROOM_FERNET_KEYS:
    raise ImproperlyConfigured("NEWSROOM_FERNET_KEYS must hold at least one key in production.")

# --- Web Push (VAPID) -----------------------------------------------------------------------
def _vapid_public_key_of(private: str) -> str:
    """The base64url uncompressed P-256 point that belongs to a raw base64url private key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        raw = base64.urlsafe_b64decode(private + "=" * (-len(private) % 4))
        if len(raw) != 32:
            raise ValueError("not 32 bytes")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"NEWSROOM_VAPID_PRIVATE_KEY is no raw base64url P-256 key ({exc})."
        ) from exc
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(public).decode().rstrip("=")


def _development_vapid_private_key() -> str:
    # A P-256 key kept under var/ (like the SECRET_KEY): subscriptions survive restarts.
    key_file = VAR_DIR / "vapid_private_key"
    if not key_file.exists():
        key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
                            encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


# Keys in base64url: the private key as its raw 32 bytes (required in production), the public
# key as an uncompressed P-256 point (what browsers take as applicationServerKey). The public
# key is derived from the private one; if it is set as well, it must match.
NEWSROOM_VAPID_PUBLIC_KEY = env_str("NEWSROOM_VAPID_PUBLIC_KEY")
NEWSROOM_VAPID_PRIVATE_KEY = env_str("NEWSROOM_VAPID_PRIVATE_KEY", required=PRODUCTION)
if not NEWSROOM_VAPID_PRIVATE_KEY:
    NEWSROOM_VAPID_PRIVATE_KEY = _development_vapid_private_key()
_derived_vapid_public_key = _vapid_public_key_of(NEWSROOM_VAPID_PRIVATE_KEY)
if not NEWSROOM_VAPID_PUBLIC_KEY:
    NEWSROOM_VAPID_PUBLIC_KEY = _derived_vapid_public_key
elif NEWSROOM_VAPID_PUBLIC_KEY.rstrip("=") != _derived_vapid_public_key:
    raise ImproperlyConfigured(
        "NEWSROOM_VAPID_PUBLIC_KEY does not belong to NEWSROOM_VAPID_PRIVATE_KEY."
    )
# Push services contact this address when a sender misbehaves.
NEWSROOM_VAPID_SUBJECT = env_str("NEWSROOM_VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
NEWSROOM_PUSH_TIMEOUT_S = env_int("NEWSROOM_PUSH_TIMEOUT_S", 10)

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# Behind our own reverse proxy (production's default) the client address is the entry that
# proxy appended to X-Forwarded-For: the right-most one, or the N-th from the right with N
# proxies in a row. Entries further left come from the client and are never trusted; without
# a proxy the header is ignored altogether (see newsroom.middleware.client_ip).
NEWSROOM_BEHIND_PROXY = env_bool("NEWSROOM_BEHIND_PROXY", PRODUCTION)
NEWSROOM_TRUSTED_PROXY_COUNT = (
    env_int("NEWSROOM_TRUSTED_PROXY_COUNT", 1) if NEWSROOM_BEHIND_PROXY else 0
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if NEWSROOM_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes reports every sign-in at INFO; the audit log records them already.
        "axes": {"level": "WARNING"},
    },
}

# --- Publishing -----------------------------------------------------------------------------
NEWSROOM_PRESS_FROM_EMAIL = env_str("NEWSROOM_PRESS_FROM_EMAIL", "presse@stadt.example")
# Retention periods in days per kind of personal data (see newsroom/retention.py; keys as
# listed on /privacy/processing/), e.g.
# NEWSROOM_RETENTION_DAYS="inbox.messages=180,newsroom.audit_entries=3650".
# Unknown keys and periods below a kind's minimum fail the system check (newsroom/checks.py).
NEWSROOM_RETENTION_DAYS = env_int_map("NEWSROOM_RETENTION_DAYS")
NEWSROOM_GRAPH_API_VERSION = env_str("NEWSROOM_GRAPH_API_VERSION", "v21.0")
NEWSROOM_NETWORK_TIMEOUT_S = env_int("NEWSROOM_NETWORK_TIMEOUT_S", 20)
NEWSROOM_RETRY_BASE_S = env_int("NEWSROOM_RETRY_BASE_S", 30)
NEWSROOM_RETRY_CAP_S = env_int("NEWSROOM_RETRY_CAP_S", 3600)
NEWSROOM_MAX_DELIVERY_ATTEMPTS = env_int("NEWSROOM_MAX_DELIVERY_ATTEMPTS", 8)
# A queued delivery whose task never started (e.g. the broker lost it) is queued again after:
NEWSROOM_QUEUED_STALE_AFTER_S = env_int("NEWSROOM_QUEUED_STALE_AFTER_S", 120)
# A delivery "sending" for longer than this lost its worker; it is looked up before a retry.
NEWSROOM_SENDING_STALE_AFTER_S = env_int("NEWSROOM_SENDING_STALE_AFTER_S", 300)
# Citizens' inbox: conversations waiting longer than this for a first answer are overdue.
NEWSROOM_INBOX_TARGET_HOURS = env_int("NEWSROOM_INBOX_TARGET_HOURS", 24)

# --- Newsroom -------------------------------------------------------------------------------
# How old the scheduler's last tick may be before /healthz reports it as down.
NEWSROOM_SCHEDULER_STALE_AFTER = timedelta(seconds=env_int("NEWSROOM_SCHEDULER_STALE_AFTER_S", 90))
