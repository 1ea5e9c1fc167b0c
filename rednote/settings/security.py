"""Security: headers (CSP, Permissions-Policy), production hardening, posting rate limits,
API throttles and sign-in lockout."""
import datetime

from csp.constants import NONE, SELF

from .api import REST_FRAMEWORK
from .base import DEBUG, env
from .logs import LOGGING

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
