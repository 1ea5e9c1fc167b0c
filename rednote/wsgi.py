"""WSGI entry point (gunicorn rednote.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")
application = get_wsgi_application()
