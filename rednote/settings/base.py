"""Django itself: paths, the environment, DEBUG and the secret key, apps, middleware, templates,
authentication, static files, accounts (django-allauth) and mail."""
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

# The repository: this file is rednote/settings/base.py.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
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
    # Sign-in lockout (see "Sign-in lockout" in settings/security.py); before annotations, whose
    # failed sign-in log runs after axes has counted the attempt.
    "axes",
    "annotations",
]

MIDDLEWARE = [
    # The client's address as request context, for the audit log (annotations/request_log.py).
    "annotations.request_log.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (see "Security headers" in
    # settings/security.py).
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
    # Last: turns a locked-out sign-in into the 429 lockout page (see "Sign-in lockout" in
    # settings/security.py).
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
