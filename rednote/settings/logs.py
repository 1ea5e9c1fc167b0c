"""Logging: to the console, with one short line per refused request."""
from .base import env

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
