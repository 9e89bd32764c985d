"""WSGI entry point of the benchmark server: Lotse's settings with the benchmark URLs added."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotse.settings")
settings.ROOT_URLCONF = "lotse.core.loadtest.urls"
application = get_wsgi_application()
