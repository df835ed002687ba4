"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The suite runs with DEBUG off, as production does, so it needs what production needs.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
