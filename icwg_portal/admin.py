"""Django's own account pages (users, roles) in the back office, checked for a colleague's save too."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from icwg_portal.edit_conflicts import EditConflictAdminMixin

admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class UserAdmin(EditConflictAdminMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(EditConflictAdminMixin, auth_admin.GroupAdmin):
    pass
