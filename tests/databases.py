"""Databases of their own on the test server, for tests that run the portal in another process."""

import os
import secrets
from contextlib import contextmanager

import psycopg


def server_url(name):
    """The URL of database ``name`` on the suite's server (DATABASE_URL, which with-postgres sets)."""
    return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"


@contextmanager
def empty_database(prefix="icwg_extra"):
    """A new, empty database (no tables) on the test server; yields its URL; dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url(name)
    finally:
        with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
