"""rednote project package: settings, URLs and the Celery app."""
from rednote.celery import app as celery_app

__all__ = ("celery_app",)
