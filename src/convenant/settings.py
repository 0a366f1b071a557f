"""Settings, read from the environment. A missing or malformed required value stops start-up
with a message that names it, rather than running with an insecure or surprising default.

Required: SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS (unless DEBUG), and for outgoing mail
DEFAULT_FROM_EMAIL plus EMAIL_HOST or EMAIL_BACKEND (unless DEBUG).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None or value == "":
        raise ImproperlyConfigured(
            f"Set the environment variable {name} (see README, Configuration)."
        )
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "" if not DEBUG else "*").split(",") if h]
# Absolute address of the site, used in links that leave by e-mail (invitations, resets).
BASE_URL = env("BASE_URL", "http://127.0.0.1:8000" if DEBUG else None).rstrip("/")

_database_url = env("DATABASE_URL")
if not _database_url.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL, the only supported database."
    )
# A pool of connections per process (psycopg_pool): a request borrows one and gives it back
# when it ends, so however many requests or threads come at once (the demo's server starts
# a thread per client), the process never holds more than DATABASE_POOL_MAX_SIZE connections
# and recovers by itself after a burst. A request that waits DATABASE_POOL_TIMEOUT seconds
# for one is answered 503. Keep workers × max size below PostgreSQL's max_connections.
DATABASE_POOL = env_bool("DATABASE_POOL", True)
# A connection that broke while idle (a database restart) is replaced, not handed out.
DATABASES = {
    "default": dj_database_url.parse(_database_url, conn_max_age=0, conn_health_checks=True)
}
if DATABASE_POOL:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "ninja",
    # Two-factor authentication (TOTP apps and recovery codes): convenant.core.two_factor.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "convenant.core",
    "convenant.parties",
    "convenant.governance",
    "convenant.toolkit",
    "convenant.outsourcing",
    "convenant.portfolios",
    "convenant.risk",
    "convenant.signals",
    "convenant.engagement",
    "convenant.reporting",
]

MIDDLEWARE = [
    # First: on the public intake it removes the reporter's address and browser details
    # before any other code (logging and error reports included) can see them.
    "convenant.signals.middleware.AnonymousIntakeMiddleware",
    # A request id on every log line of the request and on the response.
    "convenant.core.logging.RequestIdMiddleware",
    # /healthz and /readyz: over plain http and to any Host (a load balancer's probe).
    "convenant.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content Security Policy (CONTENT_SECURITY_POLICY below) and Permissions-Policy, on
    # every answer from here on, static files and error pages included.
    "csp.middleware.CSPMiddleware",
    "convenant.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "convenant.core.middleware.PreferredLanguageMiddleware",
    # Refuses NUL characters, broken Unicode and oversized bodies before CSRF reads a form.
    "convenant.core.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified by a second factor; then ours sends a person who must give a
    # code, or enrol first, there before anything else.
    "django_otp.middleware.OTPMiddleware",
    "convenant.core.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session idle too long or too old (SESSION_IDLE_SECONDS, SESSION_MAX_AGE_SECONDS).
    "convenant.core.security.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "convenant.urls"
WSGI_APPLICATION = "convenant.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "convenant.core.context_processors.navigation",
                "convenant.core.context_processors.limits",
            ],
        },
    }
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # An upper bound, so that nobody can make the server hash megabytes per attempt.
    {"NAME": "convenant.core.security.MaximumLengthValidator", "OPTIONS": {"max_length": 256}},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# Failed log-ins allowed per account and per client within the window (seconds).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10)
LOGIN_FAILURES_PER_CLIENT = env_int("LOGIN_FAILURES_PER_CLIENT", 50)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 900)
# Two-factor authentication is required for the secretariat, the monitoring committee and
# steering-group seats (optional for everyone else); wrong codes per account and per client
# within LOGIN_THROTTLE_WINDOW before the code step refuses for a while.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
TWO_FACTOR_FAILURES_PER_ACCOUNT = env_int("TWO_FACTOR_FAILURES_PER_ACCOUNT", 10)
TWO_FACTOR_FAILURES_PER_CLIENT = env_int("TWO_FACTOR_FAILURES_PER_CLIENT", 50)
# The name the authenticator app shows beside the account.
TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "convenant")
OTP_TOTP_ISSUER = TWO_FACTOR_ISSUER

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "convenant_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language, day before month in English too (convenant/formats).
FORMAT_MODULE_PATH = ["convenant.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR.parent.parent / "staticfiles")))
# The one folder that holds every uploaded file (each kind in its own sub-folder, each still
# overridable): what a backup takes and what web hosts share. Never under STATIC_ROOT.
CONVENANT_DATA_DIR = Path(env("CONVENANT_DATA_DIR", str(BASE_DIR.parent.parent / "var")))
# Evidence files of signals: stored under random names outside any served folder, read back
# only through the access policy (signals.views.signal_attachment).
SIGNALS_UPLOAD_DIR = Path(env("SIGNALS_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "signals")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "signals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(SIGNALS_UPLOAD_DIR), "base_url": "/no-public-url/"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Mail: invitations and password resets leave by e-mail.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "convenant@localhost" if DEBUG else None)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# Security: strict unless DEBUG (the demo and the tests).
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict, on both cookies: with Strict a person following a link from an e-mail (a
# review to do, a vote) would arrive without their session and be asked to log in again,
# though logged in; Lax still withholds the cookies from other sites' forms and fetches.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A logged-in session ends when unused this long (checked on each request, its clock moved at
# most once a minute so that a page view does not write the session), and at the latest this
# long after the log-in (convenant.core.security.SessionExpiryMiddleware). Sessions of
# visitors (an invitation being accepted) last the idle time after their last change.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
if SESSION_IDLE_SECONDS < 60 or SESSION_MAX_AGE_SECONDS < SESSION_IDLE_SECONDS:
    raise ImproperlyConfigured(
        "Need 60 <= SESSION_IDLE_SECONDS <= SESSION_MAX_AGE_SECONDS (both in seconds)."
    )
# The policy is enforced in every mode, the demo and the browser tests included, so that an
# inline script or style shows up while developing. No 'unsafe-inline', no 'unsafe-eval':
# scripts and styles come only from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host-: the browser accepts the cookie only over https, for this host alone (no
    # Domain) and the whole site (Path=/), so a sibling subdomain cannot plant or read it.
    SESSION_COOKIE_NAME = "__Host-session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes speak plain http (HealthMiddleware answers them first; this is a second guard).
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

# W021 asks for HSTS preloading: a choice that is hard to undo (the browsers' list changes
# slowly), so it is the operator's (SECURE_HSTS_PRELOAD), and only that warning is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not env_bool("SECURE_HSTS_PRELOAD", False) else []

# API paging: ?limit= is at most API_PAGE_SIZE_MAX (documented in the OpenAPI document),
# 100 when not given; ?offset= at most convenant.core.api.MAX_OFFSET.
NINJA_PAGINATION_PER_PAGE = 100
API_PAGE_SIZE_MAX = env_int("API_PAGE_SIZE_MAX", 1000)
NINJA_PAGINATION_CLASS = "convenant.core.api.Paging"
# Request bodies other than file uploads (a form, a JSON document) larger than this are
# refused with 413 before they are read (convenant.core.middleware.RequestGuardMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_BODY_MAX_BYTES", 2 * 1024 * 1024)

# Holdings files: limits that keep a mistaken or hostile upload from exhausting the server.
HOLDINGS_MAX_BYTES = env_int("HOLDINGS_MAX_BYTES", 200 * 1024 * 1024)
HOLDINGS_MAX_ROWS = env_int("HOLDINGS_MAX_ROWS", 2_000_000)
HOLDINGS_MAX_CELLS = env_int("HOLDINGS_MAX_CELLS", 40_000_000)
HOLDINGS_MAX_ZIP_RATIO = env_int("HOLDINGS_MAX_ZIP_RATIO", 100)
# A value dated on a day without published rates (a weekend, a holiday) is converted at the
# rates of the last day before it that has them, at most this many days back.
EXCHANGE_RATE_LOOKBACK_DAYS = env_int("EXCHANGE_RATE_LOOKBACK_DAYS", 7)
# An import with less than this share of the fund's previous snapshot (by positions or by
# value) is only imported once the person confirms it, or marks it partial.
HOLDINGS_SMALLER_SHARE = float(env("HOLDINGS_SMALLER_SHARE", "0.5"))
# Uploaded holdings files waiting for a choice, and rejected rows kept for download, are
# deleted this many days after the upload by `convenant purge_uploads` (run it daily).
HOLDINGS_UPLOAD_RETENTION_DAYS = env_int("HOLDINGS_UPLOAD_RETENTION_DAYS", 7)
# Uploaded files wait here between upload and column mapping; never served directly.
HOLDINGS_UPLOAD_DIR = Path(env("HOLDINGS_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "uploads")))
# Self-assessment evidence and provider reports: outside the web root, served only through
# the access policy.
TOOLKIT_UPLOAD_DIR = Path(env("TOOLKIT_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "toolkit")))
TOOLKIT_MAX_EVIDENCE_BYTES = env_int("TOOLKIT_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024)
OUTSOURCING_UPLOAD_DIR = Path(
    env("OUTSOURCING_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "outsourcing"))
)
OUTSOURCING_MAX_REPORT_BYTES = env_int("OUTSOURCING_MAX_REPORT_BYTES", 20 * 1024 * 1024)
REPORTING_UPLOAD_DIR = Path(env("REPORTING_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "reporting")))
# Meeting documents (governance) and engagement activities' attachments, likewise.
GOVERNANCE_UPLOAD_DIR = Path(env("GOVERNANCE_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "governance")))
ENGAGEMENT_UPLOAD_DIR = Path(env("ENGAGEMENT_UPLOAD_DIR", str(CONVENANT_DATA_DIR / "engagement")))
REPORTING_MAX_EVIDENCE_BYTES = env_int("REPORTING_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024)
# Published monitoring figures: a breakdown cell only for groups of at least this many
# funds, and no asset-weighted cell where the largest two funds hold more than this share
# (in percent) of the cell's assets (the dominance rule).
REPORTING_MIN_FUNDS = env_int("REPORTING_MIN_FUNDS", 5)
REPORTING_DOMINANCE_PERCENT = env_int("REPORTING_DOMINANCE_PERCENT", 80)

# Background jobs. Without a broker (the demo, the tests) tasks run eagerly, in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL and not DEBUG:
    raise ImproperlyConfigured(
        "Set the environment variable CELERY_BROKER_URL (e.g. redis://localhost:6379/0)."
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
# A running job writes a heartbeat every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_HEARTBEAT_TIMEOUT is taken as dead (its worker was killed) and tried again or failed.
# A queued job not started within JOB_QUEUED_RESEND_SECONDS (its message lost) is sent again.
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 5)
JOB_HEARTBEAT_TIMEOUT = env_int("JOB_HEARTBEAT_TIMEOUT", 120)
JOB_QUEUED_RESEND_SECONDS = env_int("JOB_QUEUED_RESEND_SECONDS", 600)
JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 60)  # times the attempt number
# The worker's beat (`celery -A convenant.worker worker --beat`) sweeps stale jobs.
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "core.sweep_jobs", "schedule": float(env_int("JOB_SWEEP_SECONDS", 60))},
    # Governance: reminders to seats that have not voted, review dates, votes past deadline.
    "governance-reminders": {
        "task": "governance.queue_reminders",
        "schedule": float(env_int("GOVERNANCE_REMINDER_SECONDS", 3600)),
    },
    # Reporting: reminders to parties that have not submitted, before and after a deadline.
    "reporting-reminders": {
        "task": "reporting.queue_reminders",
        "schedule": float(env_int("REPORTING_REMINDER_SECONDS", 3600)),
    },
}

# Matching holdings to issuers: fuzzy name matches at or above AUTO are accepted, between
# REVIEW and AUTO a person confirms them, below REVIEW a new issuer is proposed.
MATCH_AUTO_THRESHOLD = env_int("MATCH_AUTO_THRESHOLD", 92)
MATCH_REVIEW_THRESHOLD = env_int("MATCH_REVIEW_THRESHOLD", 80)
# Covenant-wide figures about holdings are shown only where at least this many funds
# contribute, so that no single fund's position can be read from a total.
AGGREGATE_MIN_FUNDS = env_int("AGGREGATE_MIN_FUNDS", 3)
if not 0 < MATCH_REVIEW_THRESHOLD <= MATCH_AUTO_THRESHOLD <= 100:
    raise ImproperlyConfigured("Need 0 < MATCH_REVIEW_THRESHOLD <= MATCH_AUTO_THRESHOLD <= 100.")

# Signals: evidence files and the throttles of the public intake (per client bucket and
# site-wide, per window; see signals/throttle.py, which keeps no address).
SIGNALS_MAX_ATTACHMENT_BYTES = env_int("SIGNALS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
SIGNALS_MAX_ATTACHMENTS = env_int("SIGNALS_MAX_ATTACHMENTS", 5)
SIGNALS_THROTTLE_WINDOW = env_int("SIGNALS_THROTTLE_WINDOW", 3600)
SIGNALS_REPORTS_PER_CLIENT = env_int("SIGNALS_REPORTS_PER_CLIENT", 5)
SIGNALS_REPORTS_SITE_WIDE = env_int("SIGNALS_REPORTS_SITE_WIDE", 200)
SIGNALS_RECEIPT_FAILURES_PER_CLIENT = env_int("SIGNALS_RECEIPT_FAILURES_PER_CLIENT", 10)
SIGNALS_RECEIPT_FAILURES_SITE_WIDE = env_int("SIGNALS_RECEIPT_FAILURES_SITE_WIDE", 500)
# Behind a reverse proxy that appends the client's address to X-Forwarded-For.
SIGNALS_TRUST_X_FORWARDED_FOR = env_bool("SIGNALS_TRUST_X_FORWARDED_FOR", False)
# The throttles count in the cache: with several processes it must be shared (Redis).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache, sessions are read from it and written through to PostgreSQL: a page
# view then costs no session query, and losing the cache loses no session. Without one, a
# per-process cache would not be shared by the workers, so sessions stay in the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

# Logs: one JSON object per line in production, text in the demo and the tests; no personal
# data either way (convenant.core.logging).
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub": {"()": "convenant.core.logging.ScrubFilter"},
        "request": {"()": "convenant.core.logging.RequestContextFilter"},
    },
    "formatters": {
        "main": {
            "()": "convenant.core.logging.JsonFormatter"
            if LOG_FORMAT == "json"
            else "convenant.core.logging.TextFormatter"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "main",
            "filters": ["request", "scrub"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (mails to admins, runserver's lines) give way to this one.
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
        "django.request": {"level": "ERROR"},
        # runserver's access lines carry the query string; gunicorn's (ours) do not.
        "django.server": {"level": "WARNING"},
        # A line per finished task says nothing the Job row does not; failures still log.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint tells each step of each PDF at INFO: noise beside the product's own lines.
        "weasyprint": {"level": "WARNING"},
    },
}

# An engagement activity can be edited for this many days after it is logged; after that it
# can be annotated, not changed. Escalation is due when an objective has not moved for this
# many months.
ENGAGEMENT_ACTIVITY_LOCK_DAYS = int(os.environ.get("ENGAGEMENT_ACTIVITY_LOCK_DAYS", "30"))
ENGAGEMENT_STALE_MONTHS = int(os.environ.get("ENGAGEMENT_STALE_MONTHS", "6"))
# A contract's renewal makes a task to re-check its clauses this many months ahead.
OUTSOURCING_RENEWAL_NOTICE_MONTHS = int(os.environ.get("OUTSOURCING_RENEWAL_NOTICE_MONTHS", "6"))
# At most this many deep-track cases run at once (DESIGN §3).
ENGAGEMENT_MAX_CASES = int(os.environ.get("ENGAGEMENT_MAX_CASES", "6"))
# The working group the cases' sub-working groups report to (its slug).
ENGAGEMENT_DEEP_TRACK_GROUP = os.environ.get("ENGAGEMENT_DEEP_TRACK_GROUP", "werkgroep-diep-spoor")
