#!/usr/bin/env python
import os
import sys
from pathlib import Path

# Commands that only read the code: in a fresh checkout (no .env from `make run`, nothing configured) they run
# with the development settings instead of failing on the missing SECRET_KEY. A configured machine (any of
# these variables set, or a .env) is never affected, and nothing here can serve a page.
CODE_ONLY_COMMANDS = {"check", "makemigrations", "showmigrations", "makemessages", "compilemessages", "help"}
CONFIGURATION = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "ENV_FILE")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icwg_portal.settings")
    unconfigured = not any(os.environ.get(name) for name in CONFIGURATION)
    if unconfigured and not (Path(__file__).resolve().parent / ".env").exists():
        command = sys.argv[1] if len(sys.argv) > 1 else "help"
        if command in CODE_ONLY_COMMANDS and "--deploy" not in sys.argv:
            os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
