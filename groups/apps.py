from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Countries and working groups")

    def ready(self):
        from groups.models import Activity, Country, Membership, Objective, WorkingGroup, touch_group
        from groups.roles import ensure_roles_after_migrate
        from icwg_portal import media

        # Every migrated database (a new one, the test database, one just flushed) has the back office roles.
        post_migrate.connect(ensure_roles_after_migrate, sender=self, dispatch_uid="groups.ensure_roles")

        # A group's last update is its page's: its objectives, activities and members are part of it (the
        # sitemap's lastmod, the open data's updated_since).
        for part in (Objective, Activity, Membership):
            name = part.__name__
            post_save.connect(touch_group, sender=part, dispatch_uid=f"groups.touch-on-save-{name}")
            post_delete.connect(touch_group, sender=part, dispatch_uid=f"groups.touch-on-delete-{name}")

        # Country pages are public whatever their groups' state; a draft group's image only for its editors.
        media.register("countries/", "image", Country.objects.all, lambda user: Country.objects.all())
        media.register("groups/", "image", WorkingGroup.objects.published, WorkingGroup.objects.visible_to)
