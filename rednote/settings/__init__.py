"""rednote settings, driven by environment variables (django-environ).

Every variable is documented in README.md under "Configuration". Without any of them the
app runs for development: SQLite in ``var/``, Celery on a filesystem broker in ``var/``,
mail to the console.

One module per concern, imported below in the order they run. A part imports by name what it
reads from an earlier one (``env``, ``DEBUG``, ``REDIS_URL``, ...), and some add entries to an
earlier part's dicts (``REST_FRAMEWORK``, ``LOGGING``, ``CELERY_BEAT_SCHEDULE``).
"""
# Not sorted by name: the order is the one above.
# isort: off
from .base import *  # noqa: F403
from .backends import *  # noqa: F403
from .api import *  # noqa: F403
from .app import *  # noqa: F403
from .logs import *  # noqa: F403
from .security import *  # noqa: F403
