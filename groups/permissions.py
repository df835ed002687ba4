"""Which working groups a staff member may edit, and the admin mixin that holds every admin page to it.

Superusers and the secretariat (permission ``groups.edit_all_groups``, see groups/roles.py) edit every
group. A group coordinator edits only the groups they coordinate (``WorkingGroup.coordinators``) and what
belongs to them. The model permissions (add/change/delete/view) still say *what kind* of record someone may
edit; this module says *which* records.
"""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.http import Http404

from groups.models import WorkingGroup


def edits_every_group(user):
    # has_perm is True for active superusers and False for anonymous or inactive users.
    return user.has_perm("groups.edit_all_groups")


def editable_groups(user):
    """The working groups ``user`` may edit: all of them, those they coordinate, or none.

    A queryset, so it also serves as a subquery: ``Contact.objects.filter(group__in=editable_groups(user))``.
    """
    if edits_every_group(user):
        return WorkingGroup.objects.all()
    if not user.is_active:
        return WorkingGroup.objects.none()
    return WorkingGroup.objects.filter(coordinators=user.pk)


def scope_to_editable_groups(queryset, user, group_path):
    """``queryset`` narrowed to what belongs to a group ``user`` may edit.

    ``group_path`` is the lookup from the queryset's model to its working group(s): ``"group"``,
    ``"groups"``, ``"document__groups"``…; None when the queryset is of working groups themselves.
    """
    if edits_every_group(user):
        return queryset
    groups = editable_groups(user)
    if group_path is None:
        return queryset.filter(pk__in=groups)
    if lookup_spawns_duplicates(queryset.model._meta, group_path):
        # A record in two of the user's groups (a document shared by two groups) is still listed once.
        in_groups = queryset.model._default_manager.filter(**{f"{group_path}__in": groups})
        return queryset.filter(pk__in=in_groups.values("pk"))
    return queryset.filter(**{f"{group_path}__in": groups})


class GroupScopedAdminMixin:
    """For the ModelAdmin of working groups, or of records that belong to them: a staff member who does not
    edit every group lists, opens, changes and deletes only their groups' records, and files records only
    under their groups.

    Set ``group_path`` to the lookup from the model to its working group(s), as in
    ``scope_to_editable_groups``: ``"group"`` (the default, a foreign key), ``"groups"`` (a many-to-many),
    ``"document__groups"``…, or None on the WorkingGroup admin. Put the mixin first among the admin's bases,
    so that it narrows whatever the other classes' ``get_queryset`` return.

    - Lists, search, filters with ``admin.RelatedOnlyFieldListFilter``, bulk actions and the autocomplete
      endpoint go through ``get_queryset``, so they show only the user's groups' records.
    - Another group's record answers 404 by URL, for any method (GET or POST): it is not in ``get_queryset``.
    - The group field offers (and accepts when posted) only the user's groups.
    - On a many-to-many group field, groups the user cannot edit stay as they were when the user saves, and
      deleting needs every one of the record's groups to be editable.
    """

    group_path = "group"

    # --- Which records ----------------------------------------------------------------------------------

    def get_queryset(self, request):
        return scope_to_editable_groups(super().get_queryset(request), request.user, self.group_path)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not edits_every_group(request.user):
            # The admin would redirect to its index with a "does not exist" message; a refusal should read
            # as one. 404 for another group's record as for a missing one, so neither gives the other away.
            raise Http404
        return obj

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        if edits_every_group(request.user):
            return True
        # A new group has no coordinators yet: only who edits every group could go on editing it. Anything
        # else must be filed under one of the user's groups, so needs them to have one.
        return self.group_path is not None and bool(self._editable_group_ids(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_editable_groups(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_editable_groups(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_editable_groups(
            request, obj, entirely=True
        )

    # --- The group field --------------------------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.group_path and not edits_every_group(request.user):
            kwargs["queryset"] = editable_groups(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == self.group_path and not edits_every_group(request.user):
            kwargs["queryset"] = editable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get(self.group_path or "")
        if field is not None and self._group_field_is_many_to_many() and not edits_every_group(request.user):
            # Saved without one of the user's groups, the record would vanish from their lists — unless it
            # stays in another group's.
            field.required = obj is None or not self._groups_out_of_reach(request, obj)
        return form

    def save_related(self, request, form, formsets, change):
        if change and self._group_field_is_many_to_many() and self.group_path in form.cleaned_data:
            # The form offered only the user's groups: keep the others the record is in.
            kept = self._groups_out_of_reach(request, form.instance)
            if kept:
                form.cleaned_data[self.group_path] = [*form.cleaned_data[self.group_path], *kept]
        super().save_related(request, form, formsets, change)

    # --- Helpers ----------------------------------------------------------------------------------------

    def _group_field_is_many_to_many(self):
        if self.group_path is None or "__" in self.group_path:
            return False
        return self.model._meta.get_field(self.group_path).many_to_many

    def _request_cache(self, request):
        # A page asks for each button's permission: look things up once per request.
        return request.__dict__.setdefault("_group_scope_cache", {})

    def _editable_group_ids(self, request):
        cache = self._request_cache(request)
        if "editable" not in cache:
            cache["editable"] = set(editable_groups(request.user).values_list("pk", flat=True))
        return cache["editable"]

    def _group_ids_of(self, request, obj):
        if self.group_path is None:
            return {obj.pk}
        if "__" not in self.group_path:
            field = self.model._meta.get_field(self.group_path)
            if field.many_to_one:
                return {getattr(obj, field.attname)}
        cache = self._request_cache(request)
        key = (self.model._meta.label, obj.pk)
        if key not in cache:
            ids = self.model._default_manager.filter(pk=obj.pk).values_list(self.group_path, flat=True)
            cache[key] = set(ids) - {None}
        return cache[key]

    def _in_editable_groups(self, request, obj, entirely=False):
        if obj is None or edits_every_group(request.user):
            return True
        group_ids = self._group_ids_of(request, obj)
        editable = self._editable_group_ids(request)
        if entirely:
            return bool(group_ids) and group_ids <= editable
        return bool(group_ids & editable)

    def _groups_out_of_reach(self, request, obj):
        if obj is None or obj.pk is None or edits_every_group(request.user):
            return []
        return list(getattr(obj, self.group_path).exclude(pk__in=editable_groups(request.user)))
