"""Loaded by pytest with ``-p`` before Django is configured: tests run with LOTSE_ENV=test."""

import os

os.environ.setdefault("LOTSE_ENV", "test")
