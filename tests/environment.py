"""Loaded by pytest before Django (``-p tests.environment`` in pyproject.toml).

The suite runs with DEBUG off, as production does, so it needs what production needs.
"""

import atexit
import os
import shutil
import tempfile
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
# The page cache's content version (a file with the local memory cache) is this run's own: another process on
# the same checkout (a second test run, make run) saving content would make this run's pages miss.
if "CACHE_DIR" not in os.environ:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="icwg-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], True)
(Path(__file__).resolve().parent.parent / "var" / "static").mkdir(parents=True, exist_ok=True)
