from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from groups.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Create the back office's roles (the auth groups “Secretariat” and “Group coordinators”) or bring "
        "their permissions back to what groups/roles.py defines. migrate already does this; running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to set up.")

    def handle(self, *args, database, **options):
        with transaction.atomic(using=database):
            roles = ensure_roles(using=database)
        for role in roles:
            self.stdout.write(f"{role.name}: {role.permission_count} permissions ({role.outcome})")
        changed = sum(role.outcome != "unchanged" for role in roles)
        self.stdout.write(self.style.SUCCESS(f"{len(roles)} roles set up, {changed} created or updated."))
