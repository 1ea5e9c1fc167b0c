"""rednote settings: one module, driven by environment variables (django-environ).

Every variable is documented in README.md under "Configuration". Without any of them the
app runs for development: SQLite in ``var/``, Celery on a filesystem broker in ``var/``,
mail to the console.
"""
import datetime
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a deployment that forgets it shows no tracebacks. `manage.py up` and the
# test settings (tests/settings.py) turn it on for local work.
DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET = "django-insecure-rednote-development-only"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (a long random string) in the environment or .env: DEBUG is false, its "
        "default. For local work run `python manage.py up`, or set DEBUG=true."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    # Sign-in lockout (see "Sign-in lockout" below); before annotations, whose failed sign-in log
    # runs after axes has counted the attempt.
    "axes",
    "annotations",
]

MIDDLEWARE = [
    # The client's address as request context, for the audit log (annotations/request_log.py).
    "annotations.request_log.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (see "Security headers").
    "csp.middleware.CSPMiddleware",
    "annotations.security.PermissionsPolicyMiddleware",
    # A NUL character in a URL is a 400, never a database error (annotations/security.py).
    "annotations.security.NulInUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Enforcement: a suspended user's session ends (annotations/middleware.py).
    "annotations.middleware.SuspendedSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "annotations.api.errors.JsonApiErrorsMiddleware",
    # After the API's catch-all 500, to see a view's exception first: an unreachable database
    # answers 503 (annotations/security.py).
    "annotations.security.DatabaseUnavailableMiddleware",
    # Last: turns a locked-out sign-in into the 429 lockout page (see "Sign-in lockout").
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rednote.urls"
WSGI_APPLICATION = "rednote.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'rednote.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # A file, not memory, so that a real worker process in the tests can share it.
    # One file per test run, so that runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    # With Redis down the cache answers empty instead of raising: sign-in, sign-up and password
    # reset (allauth's rate limits) and the API throttles keep working (annotations/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "annotations.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Hot reads (annotations/read_cache.py; README "Caching"): responses and fragments keyed on the
# change stamps they depend on, so a stale entry is never read, only left to expire. In Redis
# when REDIS_URL is set (shared by every web process), otherwise in each process' memory.
CACHES["reads"] = (
    {**CACHES["default"], "KEY_PREFIX": "reads", "TIMEOUT": 600}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rednote-reads",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "annotations.auth_lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "rednote.storage.StaticFilesStorage"
    },
}

# Accounts (django-allauth)
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_ADAPTER = "annotations.accounts.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# In development each mail is one line with its links in the web server's terminal
# ("mail | …" in `manage.py up`; annotations/dev_mail.py).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="annotations.dev_mail.TerminalEmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if not DEBUG:
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="rednote <noreply@localhost>")

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Tokens stop working while their user is suspended.
        "annotations.api.authentication.SuspensionAwareTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The schema documents each operation's errors too (annotations/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "annotations.api.schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    # Issue 10 (no 500s): DRF's JSON parser, refusing absurd nesting with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "annotations.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Throttles and their rates: see "API throttles and sign-in lockout" below.
    "DEFAULT_THROTTLE_CLASSES": [
        "annotations.api.throttles.AnonThrottle",
        "annotations.api.throttles.UserThrottle",
        "annotations.api.throttles.WriteThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rednote API",
    "DESCRIPTION": "Collaborative annotation and debate: articles, sentences, annotations, claims.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The PATCH views validate their whole serializer (never partial=True): document it as such.
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI is served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Articles and export jobs both have a `format`, claims and export jobs a `status`.
    "ENUM_NAME_OVERRIDES": {
        "ArticleFormatEnum": "annotations.forms.FORMAT_CHOICES",
        "ConsensusStatusEnum": "annotations.api.votes.STATUSES",
    },
}

# Celery: Redis when REDIS_URL is set, else a filesystem broker that needs no server
# (one host only). Eager mode is never used outside tests.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
CELERY_BEAT_SCHEDULE: dict = {}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # The filesystem transport polls its folder; the default (1 s) would hand out at most one
        # task per worker process per second.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_BROKER_DIR / 'results'}"

# ---- Consensus: votes, bridging scores, label agreement (README "Consensus") ----------------
# A claim is "agreed" with at least CONSENSUS_MIN_VOTES agree/disagree votes, intercept
# >= CONSENSUS_AGREE_INTERCEPT and |factor| <= CONSENSUS_MAX_ABS_FACTOR; "rejected" when
# intercept <= CONSENSUS_REJECT_BASE - CONSENSUS_REJECT_SLOPE * |factor|; else "divided".
CONSENSUS_MIN_VOTES = env.int("CONSENSUS_MIN_VOTES", default=5)
CONSENSUS_AGREE_INTERCEPT = env.float("CONSENSUS_AGREE_INTERCEPT", default=0.40)
CONSENSUS_MAX_ABS_FACTOR = env.float("CONSENSUS_MAX_ABS_FACTOR", default=0.50)
CONSENSUS_REJECT_BASE = env.float("CONSENSUS_REJECT_BASE", default=-0.05)
CONSENSUS_REJECT_SLOPE = env.float("CONSENSUS_REJECT_SLOPE", default=0.8)
CONSENSUS_MAX_GROUPS = env.int("CONSENSUS_MAX_GROUPS", default=5)
# Sentence tags: Dawid–Skene from this many tagged sentences in the corpus, majority vote below.
CONSENSUS_LABEL_MIN_SENTENCES = env.int("CONSENSUS_LABEL_MIN_SENTENCES", default=200)
# Full refit (all claims, the factor model) and sweep of out-of-date claims, in seconds.
CONSENSUS_REFIT_SECONDS = env.int("CONSENSUS_REFIT_SECONDS", default=300)
CONSENSUS_SWEEP_SECONDS = env.int("CONSENSUS_SWEEP_SECONDS", default=30)
CONSENSUS_REFIT_TIME_LIMIT = env.int("CONSENSUS_REFIT_TIME_LIMIT", default=1800)
CELERY_BEAT_SCHEDULE.update(
    {
        "consensus-refit": {
            "task": "annotations.tasks.refit_consensus",
            "schedule": float(CONSENSUS_REFIT_SECONDS),
            "options": {"expires": float(CONSENSUS_REFIT_SECONDS)},
        },
        "consensus-sweep": {
            "task": "annotations.tasks.sweep_consensus",
            "schedule": float(CONSENSUS_SWEEP_SECONDS),
            "options": {"expires": float(CONSENSUS_SWEEP_SECONDS)},
        },
    }
)
# ---- end of consensus settings ---------------------------------------------------------------

# ---- Posting rate limits (annotations/services/ratelimits.py; README "Rate limits") --------
# Per user and minute, fixed windows, counted in Redis when REDIS_URL is set, else in the
# database. Modelled on Discourse's rate_limit_create_post / rate_limit_new_user_create_post
# and max_flags_per_day: accounts younger than REDNOTE_RATE_LIMIT_NEW_ACCOUNT_HOURS get the
# stricter "new account" limits. The defaults only stop floods: a new account can still make
# 60 annotations, 10 comments and 10 flags a minute. Moderators and admins are exempt.
# REDNOTE_RATE_LIMITS=false switches them off (load tests, benchmarks).
REDNOTE_RATE_LIMITS = env.bool("REDNOTE_RATE_LIMITS", default=True)
REDNOTE_RATE_LIMIT_NEW_ACCOUNT_HOURS = env.int("REDNOTE_RATE_LIMIT_NEW_ACCOUNT_HOURS", default=24)
REDNOTE_RATE_LIMITS_PER_MINUTE = {
    "annotation": env.int("REDNOTE_ANNOTATIONS_PER_MINUTE", default=120),
    "comment": env.int("REDNOTE_COMMENTS_PER_MINUTE", default=30),
    "flag": env.int("REDNOTE_FLAGS_PER_MINUTE", default=20),
}
REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {
    "annotation": env.int("REDNOTE_NEW_ACCOUNT_ANNOTATIONS_PER_MINUTE", default=60),
    "comment": env.int("REDNOTE_NEW_ACCOUNT_COMMENTS_PER_MINUTE", default=10),
    "flag": env.int("REDNOTE_NEW_ACCOUNT_FLAGS_PER_MINUTE", default=10),
}
# ---- end of posting rate limits -------------------------------------------------------------

# rednote itself
REDNOTE_CORPUS_DIR = Path(env("REDNOTE_CORPUS_DIR", default=str(BASE_DIR.parent / "shared" / "corpus")))
REDNOTE_MAX_UPLOAD_BYTES = env.int("REDNOTE_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024)
# Texts longer than this (in characters) are segmented by a worker instead of in the request.
REDNOTE_SYNC_SEGMENT_CHARS = env.int("REDNOTE_SYNC_SEGMENT_CHARS", default=200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = REDNOTE_MAX_UPLOAD_BYTES + 512 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = REDNOTE_MAX_UPLOAD_BYTES + 512 * 1024

# ---- Moderation: flags and the brigade rule (README "Moderation") ---------------------------
# An item is hidden pending review once this many distinct people from at least two opinion
# groups flag it (from a single group: twice as many). Each person may flag this many items a day.
REDNOTE_FLAG_HIDE_THRESHOLD = env.int("REDNOTE_FLAG_HIDE_THRESHOLD", default=3)
REDNOTE_FLAGS_PER_DAY = env.int("REDNOTE_FLAGS_PER_DAY", default=20)
# ---- end of moderation settings -------------------------------------------------------------

# ---- Exports: annotated corpora as background jobs (annotations/services/exports.py) --------
# Finished files live in REDNOTE_EXPORT_DIR (on storage every worker and web server shares when
# they run on several machines), work in progress in its tmp/ folder. Files are offered for
# REDNOTE_EXPORT_DAYS days; beat removes them every REDNOTE_EXPORT_EXPIRE_SECONDS. Annotators
# appear as HMAC pseudonyms under REDNOTE_EXPORT_PSEUDONYM_SECRET (empty: derived from
# SECRET_KEY). Keep REDNOTE_EXPORT_TIME_LIMIT below Redis' visibility timeout (3600 s), so that
# a job is never handed to a second worker while the first still runs it.
REDNOTE_EXPORT_DIR = Path(env("REDNOTE_EXPORT_DIR", default=str(VAR_DIR / "exports")))
REDNOTE_EXPORT_DAYS = env.int("REDNOTE_EXPORT_DAYS", default=7)
REDNOTE_EXPORT_PSEUDONYM_SECRET = env("REDNOTE_EXPORT_PSEUDONYM_SECRET", default="")
REDNOTE_EXPORT_TIME_LIMIT = env.int("REDNOTE_EXPORT_TIME_LIMIT", default=3000)
REDNOTE_EXPORT_EXPIRE_SECONDS = env.int("REDNOTE_EXPORT_EXPIRE_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["exports-expire"] = {
    "task": "annotations.tasks.expire_exports",
    "schedule": float(REDNOTE_EXPORT_EXPIRE_SECONDS),
    "options": {"expires": float(REDNOTE_EXPORT_EXPIRE_SECONDS)},
}
# ---- end of export settings -----------------------------------------------------------------

# ---- Security headers: CSP (django-csp) and Permissions-Policy (README "Security headers") ----
# No inline scripts or styles anywhere: htmx runs with allowEval off and its indicator styles in
# our CSS (templates/annotations/partials/htmx_config.html); Swagger UI loads its init script
# from a URL (SpectacularSwaggerSplitView). img-src allows data: for Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
REDNOTE_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
# ---- end of security headers ----------------------------------------------------------------

# Production hardening: active whenever DEBUG is false (see `manage.py check --deploy`).
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Liveness probes call /healthz over plain HTTP from inside the network (annotations/views/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# ---- Request logs (issue 10; annotations/request_log.py) -----------------------------------
# 4xx: one line each (status, method, path, user id), no traceback; 5xx keep their traceback.
# On the django.request logger itself (so every handler sees the short line) and on the console
# handler (for django.security.*, which log refused bodies and hosts with a traceback too).
LOGGING.setdefault("filters", {})["client_errors_one_line"] = {"()": "annotations.request_log.ClientErrorsOnOneLine"}
LOGGING["handlers"]["console"].setdefault("filters", []).append("client_errors_one_line")
LOGGING["loggers"]["django.request"] = {"filters": ["client_errors_one_line"]}
# Django's own console handler on "django" would print every record a second time beside the
# root's (with DEBUG on); configured here, the logger keeps no handler and propagates to root.
# Configuring "django" resets its children, so the development server's request lines
# ("django.server") get Django's own handler back.
LOGGING["loggers"]["django"] = {"level": "INFO"}
LOGGING["formatters"] = {
    "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
}
LOGGING["handlers"]["django.server"] = {"level": "INFO", "class": "logging.StreamHandler", "formatter": "django.server"}
LOGGING["loggers"]["django.server"] = {"handlers": ["django.server"], "level": "INFO", "propagate": False}
# `manage.py up` runs the development server, which logs every request on one line itself
# (django.server): there a refused request's django.request line would be its second.
if env.bool("REDNOTE_SERVER_LOGS_REQUESTS", default=False):
    LOGGING["filters"]["client_errors_dropped"] = {"()": "annotations.request_log.ClientErrorsDropped"}
    LOGGING["loggers"]["django.request"]["filters"].append("client_errors_dropped")
# ---- end of request logs -------------------------------------------------------------------

# ---- API throttles and sign-in lockout (README "Rate limits" and "Sign-in lockout") ---------
# REST framework throttles (annotations/api/throttles.py), per address for anonymous callers,
# per user once signed in, and for writes. Generous for reading: a class of 30 behind one
# address reading together never meets them. REDNOTE_RATE_LIMITS=false turns them off.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env("REDNOTE_THROTTLE_ANON", default="3000/min"),
    "user": env("REDNOTE_THROTTLE_USER", default="6000/min"),
    "writes": env("REDNOTE_THROTTLE_WRITES", default="600/min"),
}
# Sign-in lockout (django-axes, annotations/auth_lockout.py): after AXES_FAILURE_LIMIT failed
# sign-ins for one username from one address (form and token endpoint together), that username
# is refused from that address for AXES_COOLOFF_TIME minutes, even with the right password.
# Counted in the database; REDNOTE_RATE_LIMITS never turns it off.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "annotations.auth_lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "annotations.auth_lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# One line per failed sign-in comes from "annotations.security"; axes' own lines stay quiet.
LOGGING["loggers"]["axes"] = {"level": "ERROR"}
# ---- end of API throttles and sign-in lockout -----------------------------------------------
