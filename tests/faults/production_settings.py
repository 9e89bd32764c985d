"""Lotse's production settings for the fault test, with one change: static files without a manifest.

``collectstatic`` with the compressed manifest storage takes minutes; serving the unhashed files through the
finders changes nothing about how Lotse treats its database.
"""

from lotse.settings import *  # noqa: F403
from lotse.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
