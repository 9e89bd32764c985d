"""A shared cache (LOTSE_CACHE_URL) switches rate limits and sessions to Redis; without it nothing is shared."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = ("import json, django; from django.conf import settings; django.setup(); "
         "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION', ''), "
         "settings.SESSION_ENGINE]))")


def _settings(**env) -> list[str]:
    environment = {key: value for key, value in os.environ.items() if key != "LOTSE_CACHE_URL"}
    environment |= {"LOTSE_ENV": "development", "DJANGO_SETTINGS_MODULE": "lotse.settings", **env}
    output = subprocess.run([sys.executable, "-c", PRINT], env=environment, cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def test_without_a_shared_cache_sessions_stay_in_the_database():
    backend, _, sessions = _settings()
    assert backend.endswith("LocMemCache")
    assert sessions == "django.contrib.sessions.backends.db"


def test_with_redis_sessions_are_read_from_the_cache_and_written_through():
    backend, location, sessions = _settings(LOTSE_CACHE_URL="redis://127.0.0.1:6379/5")
    assert backend.endswith("RedisCache") and location == "redis://127.0.0.1:6379/5"
    assert sessions == "django.contrib.sessions.backends.cached_db"
