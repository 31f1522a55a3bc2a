"""Settings shared by every mode. Every deployment-specific value comes from the environment.

Without any environment the system runs embedded: SQLite, media in ``var/media`` and Celery on
its filesystem transport (no broker to install). With ``DATABASE_URL`` / ``REDIS_URL`` the same
code runs on PostgreSQL and Redis.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("DVC_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "django_celery_results",
    "axes",
    "mozilla_django_oidc",
    # the cross-cutting core
    "portal.accounts",
    "portal.agencies",
    "portal.calendar",
    "portal.audit",
    "portal.ops",
    "portal.notifications",
    "portal.signing",
    "portal.dvcqg",
    # the business apps
    "procedures",
    "dossiers",
    "feedback",
    "payments",
    "archive",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.middleware.AccessRevocationMiddleware",
    "portal.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.agencies.context_processors.province",
                "procedures.context_processors.catalogue",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # The queues' covering indexes (INCLUDE) matter on PostgreSQL; SQLite builds them without
    # the extra columns, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "dvc"}}
else:
    # Embedded mode: a file cache, so the web process and the Celery worker share it (the
    # calendar's version token, rate-limit counters).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache")}}

# --- Files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Accounts, sign-in and lock-out (U1-U6, O4) ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.accounts.backends.ActiveMembershipBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Officers' passwords expire (TH 18.6.b); the period is in days, 0 disables it.
OFFICER_PASSWORD_MAX_AGE_DAYS = env.int("OFFICER_PASSWORD_MAX_AGE_DAYS", default=90)
# django-axes: lock an account + address after repeated failures (O4).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of Django that append to X-Forwarded-For (portal/net.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
# A refused national-identity callback must not lock everyone behind a shared address.
AXES_WHITELIST_CALLABLE = "portal.accounts.oidc.exempt_from_lockout"
# Requests per minute one address may send to the sign-in form (any outcome).
LOGIN_RATE_PER_MINUTE = env.int("LOGIN_RATE_PER_MINUTE", default=20)

# Citizen sign-in through the national identity provider (VNeID via DVCQG SSO, OpenID Connect).
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid profile")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("portal.accounts.oidc.CitizenOIDCBackend")

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dichvucong API",
    "DESCRIPTION": "Public-service portal and electronic one-stop shop of the province.",
    "VERSION": "0.1.0",
    # One schema name per choice set that appears under the same field name in several places.
    "ENUM_NAME_OVERRIDES": {
        "DossierStateEnum": "dossiers.states.State",
        "DossierChannelEnum": "dossiers.states.Channel",
        "DossierDeliveryEnum": "dossiers.states.Delivery",
        "ProcedureChannelEnum": "procedures.models.Channel",
    },
}

# Public address of the portal printed in documents (the receipt's QR code); empty: the
# province's domain over HTTPS.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")

# Shared token the National Public Service Portal presents when it pushes dossiers to us.
DVCQG_INBOUND_TOKEN = env.str("DVCQG_INBOUND_TOKEN", default="")

# SMS gateway of the province (portal/notifications/sms.py); empty: SMS off.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="DICHVUCONG")

# --- Celery -----------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXTENDED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
else:
    # Embedded mode: Celery's own filesystem transport, no broker process needed.
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dichvucong@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Demo accounts with a published password may be loaded (never in production).
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- results and signatures (D7, D9) ------------------------------------------------------------
# Passphrase of the encrypted PKCS#12 keys of signing certificates (default: derived from the
# secret key; set it apart in production so a database dump alone never yields a key).
SIGNING_KEY_PASSPHRASE = env.str("SIGNING_KEY_PASSPHRASE", default="")
# A TTF font for the visible signature stamp (Vietnamese text); system Noto/DejaVu by default.
SIGNING_STAMP_FONT = env.str("SIGNING_STAMP_FONT", default="")
# Largest uploaded result document (MB).
RESULT_MAX_UPLOAD_MB = env.float("RESULT_MAX_UPLOAD_MB", default=20.0)

# --- operations (backups, health, metrics; O1-O3) --------------------------------------------
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# Rotation: the newest backup of each of the last N days and of each of the last M months.
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=12)
# /healthz says "degraded" when the last backup is older than this, or the worker silent longer.
BACKUP_MAX_AGE_HOURS = env.float("BACKUP_MAX_AGE_HOURS", default=26)
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", default=300)
# Alerts (failed backup) and the daily digest also go to these addresses besides the operators.
OPS_ALERT_EMAILS: list[str] = env.list("OPS_ALERT_EMAILS", default=[])
# /metrics (Prometheus): a bearer token, and/or client addresses allowed without it.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS: list[str] = env.list("METRICS_ALLOWED_IPS", default=[])
MIDDLEWARE.insert(0, "portal.ops.metrics.LatencyMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "portal.ops.context_processors.maintenance")

# --- DVCQG ---
# The National Public Service Portal (portal/dvcqg/, LEGAL-NOTES §6). Empty base URL: nothing is
# sent (rows wait in the outbox); `serve_embedded` points it at a local stand-in for the demo.
DVCQG_BASE_URL = env.str("DVCQG_BASE_URL", default="")
DVCQG_USERNAME = env.str("DVCQG_USERNAME", default="")
DVCQG_PASSWORD = env.str("DVCQG_PASSWORD", default="")
DVCQG_UNIT_CODE = env.str("DVCQG_UNIT_CODE", default="")  # `madonvi`: the province's e-ID
DVCQG_TIMEOUT = env.float("DVCQG_TIMEOUT", default=10.0)  # seconds per HTTP call
DVCQG_MAX_ATTEMPTS = env.int("DVCQG_MAX_ATTEMPTS", default=10)  # then the dead letters
DVCQG_BACKOFF_SECONDS = env.float("DVCQG_BACKOFF_SECONDS", default=30.0)
DVCQG_BACKOFF_MAX_SECONDS = env.float("DVCQG_BACKOFF_MAX_SECONDS", default=3600.0)
DVCQG_LEASE_SECONDS = env.float("DVCQG_LEASE_SECONDS", default=60.0)  # > DVCQG_TIMEOUT
DVCQG_SEND_BUDGET_SECONDS = env.float("DVCQG_SEND_BUDGET_SECONDS", default=50.0)
DVCQG_CONCURRENCY = env.int("DVCQG_CONCURRENCY", default=4)  # parallel calls (distinct dossiers)
DVCQG_FETCH_SERVICE = env.str("DVCQG_FETCH_SERVICE", default="LayDanhSachHoSo")
DVCQG_FETCH_DAYS = env.int("DVCQG_FETCH_DAYS", default=2)

# --- notifications ---
# Delivery log, in-app inbox and SMS lookup (portal/notifications/). The SMS gateway posts
# incoming messages to /api/v1/sms/inbound/ with this bearer token (default: the gateway's own).
SMS_INBOUND_TOKEN = env.str("SMS_INBOUND_TOKEN", default=SMS_GATEWAY_TOKEN)
SMS_LOOKUP_RATE_PER_HOUR = env.int("SMS_LOOKUP_RATE_PER_HOUR", default=10)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds; below the delivery lease
if not env.str("EMAIL_URL", default=""):
    # Without a mail server (embedded demo) each e-mail is a file in var/mail/ to read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # type: ignore[index]
    "portal.notifications.context_processors.inbox")

# --- feedback and the 766 index ---
# Posts of the public feedback form per client address and hour (K1; no captcha).
FEEDBACK_RATE_PER_HOUR = env.int("FEEDBACK_RATE_PER_HOUR", default=5)
# Days a satisfaction-survey link stays valid after the result is returned (K4).
SURVEY_VALID_DAYS = env.int("SURVEY_VALID_DAYS", default=30)
# Agency level codes ranked as communes in the 766 index (the departments' criteria do not apply).
INDEX766_COMMUNE_LEVELS = env.list("INDEX766_COMMUNE_LEVELS", default=["commune"])
