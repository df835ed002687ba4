from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Countries and working groups")

    def ready(self):
        from groups.models import Country, WorkingGroup
        from groups.roles import ensure_roles_after_migrate
        from icwg_portal import media

        # Every migrated database (a new one, the test database, one just flushed) has the back office roles.
        post_migrate.connect(ensure_roles_after_migrate, sender=self, dispatch_uid="groups.ensure_roles")

        # Country pages are public whatever their groups' state; a draft group's image only for its editors.
        media.register("countries/", "image", Country.objects.all, lambda user: Country.objects.all())
        media.register("groups/", "image", WorkingGroup.objects.published, WorkingGroup.objects.visible_to)
