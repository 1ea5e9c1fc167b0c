"""The Celery app. Broker and schedule come from Django settings (``CELERY_*``)."""
import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")

app = Celery("rednote")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _prepare_filesystem_broker() -> None:
    """The embedded broker keeps its queue in folders that must exist before use."""
    options = app.conf.broker_transport_options or {}
    if app.conf.broker_url == "filesystem://":
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = app.conf.result_backend or ""
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


_prepare_filesystem_broker()
