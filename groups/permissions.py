"""Which working groups a staff member may edit, what they may choose in a form, and the admin mixins that
hold every admin page to both.

Superusers and the secretariat (permission ``groups.edit_all_groups``, ``edits_every_group`` in
groups/roles.py) edit every group. A group coordinator edits only the groups they coordinate
(``WorkingGroup.coordinators``, read by ``WorkingGroup.objects.editable_by(user)``) and what belongs to
them. The model permissions (add/change/delete/view) still say *what kind* of record someone may edit; this
module says *which* records, and which records a form may offer them (``choosable``).
"""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404

from groups.models import WorkingGroup
from groups.roles import edits_every_group


def scope_to_editable_groups(queryset, user, group_path):
    """``queryset`` narrowed to what belongs to a group ``user`` may edit.

    ``group_path`` is the lookup from the queryset's model to its working group(s): ``"group"``,
    ``"groups"``, ``"document__groups"``…; None when the queryset is of working groups themselves.
    """
    if edits_every_group(user):
        return queryset
    groups = WorkingGroup.objects.editable_by(user)
    if group_path is None:
        return queryset.filter(pk__in=groups)
    if lookup_spawns_duplicates(queryset.model._meta, group_path):
        # A record in two of the user's groups (a document shared by two groups) is still listed once.
        in_groups = queryset.model._default_manager.filter(**{f"{group_path}__in": groups})
        return queryset.filter(pk__in=in_groups.values("pk"))
    return queryset.filter(**{f"{group_path}__in": groups})


# --- What a staff member may choose in a form -------------------------------------------------------------
# Every choice a back-office form offers (a select, an autocomplete and its search, a list filter) and accepts
# when posted is among ``choosable(user, model)``. For staff who edit every group, that is everything. For a
# coordinator:
# - working groups: those they edit. Choosing a group files a record under it.
# - documents: the published documents of every group, and their own groups' drafts. An activity links the
#   documents visitors can read, whoever published them; another group's draft is not theirs to see, not
#   even its title. (The documents they *edit* are fewer: their groups' own, see DocumentAdmin.)
# - countries, pillars, organizations, document types: all of them. They are the shared lists every group
#   chooses from, with public names, and coordinators read all of them in the back office anyway (they may
#   add an organization, not change one).
# - anything else (staff accounts…): nothing, until it is decided here. A test opens every form a
#   coordinator can reach and fails on a choice of a model this table does not place.


def _everything(model, user):
    return model._default_manager.all()


CHOOSABLE = {
    "groups.workinggroup": lambda model, user: model._default_manager.editable_by(user),
    "documents.document": lambda model, user: model._default_manager.visible_to(user),
    "groups.country": _everything,
    "groups.pillar": _everything,
    "groups.organization": _everything,
    "documents.documenttype": _everything,
}


def choosable(user, model):
    """The records of ``model`` that ``user`` may choose in a back-office form (a queryset)."""
    if edits_every_group(user):
        return model._default_manager.all()
    scope = CHOOSABLE.get(model._meta.label_lower)
    return scope(model, user) if scope else model._default_manager.none()


def narrow_to_choosable(formfield, user):
    """``formfield`` (a ModelChoiceField or ModelMultipleChoiceField, or None) offering and accepting only
    what ``user`` may choose: a posted id outside it is the field's "Select a valid choice" error."""
    if formfield is None or edits_every_group(user):
        return formfield
    model = formfield.queryset.model
    formfield.queryset = formfield.queryset.filter(pk__in=choosable(user, model).values("pk"))
    return formfield


def links_out_of_reach(instance, name, offered):
    """What ``instance``'s many-to-many field ``name`` links now beyond the ``offered`` queryset.

    Read from the database, not from a prefetched (and maybe narrowed) cache of the instance."""
    if instance.pk is None:
        return []
    field = instance._meta.get_field(name)
    linked = field.related_model._default_manager.filter(**{field.related_query_name(): instance.pk})
    return list(linked.exclude(pk__in=offered.values("pk")))


def keep_links_out_of_reach(form, user):
    """Before ``form`` saves: add to each narrowed many-to-many value the links its record already has beyond
    what the form offered, so that saving never takes away a link the staff member could not see."""
    if edits_every_group(user) or not hasattr(form, "cleaned_data") or form.instance.pk is None:
        return
    for name, formfield in form.fields.items():
        if not isinstance(formfield, forms.ModelMultipleChoiceField) or name not in form.cleaned_data:
            continue
        try:
            if not form.instance._meta.get_field(name).many_to_many:
                continue
        except FieldDoesNotExist:
            continue
        kept = links_out_of_reach(form.instance, name, formfield.queryset)
        if kept:
            form.cleaned_data[name] = [*form.cleaned_data[name], *kept]


def showing_only_choosable(form_class):
    """``form_class`` whose many-to-many fields start from the choosable part of what the record links: the
    page neither shows nor posts back the rest, which saving keeps (``keep_links_out_of_reach``)."""

    class ShowingOnlyChoosable(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, formfield in self.fields.items():
                linked = self.initial.get(name)
                if isinstance(formfield, forms.ModelMultipleChoiceField) and linked:
                    pks = [getattr(value, "pk", value) for value in linked]
                    chosen = formfield.queryset.filter(pk__in=pks).values_list("pk", flat=True)
                    offered = {str(pk) for pk in chosen}
                    self.initial[name] = [v for v, pk in zip(linked, pks, strict=True) if str(pk) in offered]

    ShowingOnlyChoosable.__name__ = ShowingOnlyChoosable.__qualname__ = form_class.__name__
    # The fields as the admin built them for this request (querysets narrowed, fields made required…).
    ShowingOnlyChoosable.base_fields = form_class.base_fields
    return ShowingOnlyChoosable


def autocomplete_source_field(request):
    """The model field whose choices the admin's autocomplete endpoint is asked for; None on other pages."""
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return None
    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return model._meta.get_field(request.GET["field_name"])
    except (KeyError, LookupError, FieldDoesNotExist):
        return None  # the autocomplete view refuses the request itself


class ChoosableRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation offering only what the staff member may choose: its choices are names
    (a draft's title, a group's), which must not leak either."""

    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            limit_choices_to=self.limit(field, request, model_admin),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )

    def limit(self, field, request, model_admin):
        if edits_every_group(request.user):
            return Q()
        return Q(pk__in=choosable(request.user, field.related_model).values("pk"))


class ChoosableRelatedOnlyFieldListFilter(ChoosableRelatedFieldListFilter):
    """As ``admin.RelatedOnlyFieldListFilter`` (only what the listed records point at), and only what the
    staff member may choose: a coordinator's document may also be in another group's list."""

    def limit(self, field, request, model_admin):
        listed = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        return Q(pk__in=listed) & super().limit(field, request, model_admin)


class KeyChecking:
    """Django's autocomplete widgets look the posted values up as keys to show them again when a form comes
    back with errors; a value that is not a key (``abc`` for a number) raised there, a 500. It is left out of
    that lookup: the field itself already says "Select a valid choice"."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field.model._meta
        target = remote.get_field(getattr(self.field.remote_field, "field_name", remote.pk.attname))
        return super().optgroups(name, [v for v in value if is_valid_key(target, v)], attr)


def is_valid_key(field, value):
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


_KEY_CHECKING = {}


def checking_keys(formfield):
    """``formfield`` with its autocomplete widget (the admin's, or a preloading one) made KeyChecking."""
    widget = getattr(formfield, "widget", None) if formfield is not None else None
    if isinstance(widget, AutocompleteMixin) and not isinstance(widget, KeyChecking):
        cls = type(widget)
        if cls not in _KEY_CHECKING:
            _KEY_CHECKING[cls] = type(cls.__name__, (KeyChecking, cls), {"__module__": cls.__module__})
        widget.__class__ = _KEY_CHECKING[cls]
    return formfield


class ScopedChoicesMixin:
    """For every ModelAdmin and inline of the portal: what its forms, autocomplete and list filters offer a
    staff member is what they may choose (``choosable``), and what they cannot see is kept when they save.

    - Foreign keys and many-to-many fields offer, and accept when posted, only ``choosable`` records.
    - The autocomplete endpoint, asked for a field's choices by this admin's model, answers with the
      ``choosable`` records (not only those this admin lists: a coordinator links another group's published
      document without being able to edit it).
    - Filters on a relation (``list_filter``: a field name, or with ``admin.RelatedOnlyFieldListFilter``)
      offer only ``choosable`` records; a filter class of the admin's own scopes its choices itself.
    - Saving keeps the links a record has beyond its form's choices (``keep_links_out_of_reach``): a
      coordinator saving an activity that links another group's draft neither sees nor drops that link.

    Put it first among the admin's bases (GroupScopedAdminMixin includes it), so that it narrows whatever
    the other classes' fields offer.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return narrow_to_choosable(checking_keys(formfield), request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return narrow_to_choosable(checking_keys(formfield), request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return form if edits_every_group(request.user) else showing_only_choosable(form)

    def get_search_results(self, request, queryset, search_term):
        source_field = autocomplete_source_field(request)
        if source_field is not None and not edits_every_group(request.user):
            queryset = choosable(request.user, self.model).complex_filter(source_field.get_limit_choices_to())
        return super().get_search_results(request, queryset, search_term)

    def get_list_filter(self, request):
        return [self._choosable_list_filter(spec) for spec in super().get_list_filter(request)]

    def _choosable_list_filter(self, spec):
        path, filter_class = spec if isinstance(spec, tuple) else (spec, None)
        if not isinstance(path, str) or not get_fields_from_path(self.model, path)[-1].is_relation:
            return spec
        if filter_class is None:
            return (path, ChoosableRelatedFieldListFilter)
        if filter_class is admin.RelatedOnlyFieldListFilter:
            return (path, ChoosableRelatedOnlyFieldListFilter)
        return spec

    def save_related(self, request, form, formsets, change):
        keep_links_out_of_reach(form, request.user)
        for formset in formsets:
            for inline_form in formset.forms:
                # The formset saves only the rows that changed.
                if inline_form.has_changed() and inline_form not in formset.deleted_forms:
                    keep_links_out_of_reach(inline_form, request.user)
        super().save_related(request, form, formsets, change)


class GroupScopedAdminMixin(ScopedChoicesMixin):
    """For the ModelAdmin of working groups, or of records that belong to them: a staff member who does not
    edit every group lists, opens, changes and deletes only their groups' records, and files records only
    under their groups.

    Set ``group_path`` to the lookup from the model to its working group(s), as in
    ``scope_to_editable_groups``: ``"group"`` (the default, a foreign key), ``"groups"`` (a many-to-many),
    ``"document__groups"``…, or None on the WorkingGroup admin. Put the mixin first among the admin's bases,
    so that it narrows whatever the other classes' ``get_queryset`` return.

    - Lists, search, filters with ``admin.RelatedOnlyFieldListFilter`` and bulk actions go through
      ``get_queryset``, so they show only the user's groups' records.
    - Another group's record answers 404 by URL, for any method (GET or POST): it is not in ``get_queryset``.
    - The group field, as every choice (ScopedChoicesMixin), offers and accepts only the user's groups; the
      autocomplete endpoint offers them only their groups too.
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

    # --- The group field (it offers only the user's groups: ScopedChoicesMixin) -------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get(self.group_path or "")
        if field is not None and self._group_field_is_many_to_many() and not edits_every_group(request.user):
            # Saved without one of the user's groups, the record would vanish from their lists — unless it
            # stays in another group's.
            field.required = obj is None or not self._groups_out_of_reach(request, obj)
        return form

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
            editable = WorkingGroup.objects.editable_by(request.user)
            cache["editable"] = set(editable.values_list("pk", flat=True))
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
        return links_out_of_reach(obj, self.group_path, WorkingGroup.objects.editable_by(request.user))
