import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure the superuser account 'admin' exists. Its password comes from ADMIN_PASSWORD; without it, "
        "a new account gets a generated password, printed once, and an existing one is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        users = get_user_model()
        password = os.environ.get("ADMIN_PASSWORD", "")
        user = users.objects.filter(username=username).first()
        if user is None:
            generated = not password
            password = password or secrets.token_urlsafe(12)
            users.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(self.style.SUCCESS(f"Created the admin account: user '{username}'."))
            if generated:
                self.stdout.write(
                    self.style.WARNING(
                        f"  Its password is {password}  — shown only this once; write it down."
                    )
                )
        elif password:
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
            self.stdout.write(
                self.style.SUCCESS(f"Admin account '{username}': password set from ADMIN_PASSWORD.")
            )
        else:
            self.stdout.write(
                f"Admin account '{username}' exists; password unchanged "
                "(set ADMIN_PASSWORD and run again to change it)."
            )
