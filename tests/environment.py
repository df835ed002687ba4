"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The suite runs with DEBUG off, as production does, so it needs what production needs.
"""

import os
from pathlib import Path

# A developer's .env (DEBUG on, written by `make run`) must not leak into the suite.
os.environ.setdefault("ENV_FILE", "")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The test client and the live server speak plain HTTP; tests that check the HTTPS-only behaviour switch it on
# themselves (tests/test_security.py) or run the production configuration in gunicorn
# (tests/test_deployment.py).
os.environ.setdefault("HTTPS_ONLY", "false")
# Static files are served from the source folders (no collectstatic before each run); WhiteNoise still wants
# the collection folder to exist.
os.environ.setdefault("STATIC_STORAGE", "plain")
(Path(__file__).resolve().parent.parent / "var" / "static").mkdir(parents=True, exist_ok=True)
