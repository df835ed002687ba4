from adminsortable2.admin import (
    SortableAdminBase,
    SortableAdminMixin,
    SortableInlineAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from contacts.admin import ContactInline
from documents.models import Document
from groups.forms import BackOfficeMediaMixin, NormalisedImageForm, PreloadedAutocompleteInlineMixin
from groups.history import HistoryAdmin, register_history
from groups.models import Activity, Country, Membership, Objective, Organization, Pillar, WorkingGroup
from groups.permissions import (
    GroupScopedAdminMixin,
    ScopedChoicesMixin,
    choosable,
    scope_to_editable_groups,
)
from groups.roles import edits_every_group
from icwg_portal.media_store import MediaStoreAdminMixin

# This app's records in the history (groups/history.py), registered before the admin classes below are built.
for model in (Country, Pillar, Organization, Objective, Activity, Membership):
    register_history(model)
register_history(
    WorkingGroup,
    # A group's version carries its page's inlines (its contacts among them), so a revert brings them back.
    follow=("objectives", "activities", "memberships", "contacts"),
    # Kept among the version's links (groups/version_format.py): a revert leaves who coordinates as it is.
    exclude=("coordinators",),
    links=("documents", "coordinators"),
)


class WorkingGroupInline(ScopedChoicesMixin, admin.TabularInline):
    model = WorkingGroup
    fields = ("name", "location", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A coordinator reading a country sees the groups they edit, not links to pages they cannot open.
        return scope_to_editable_groups(super().get_queryset(request), request.user, group_path=None)


@admin.register(Country)
class CountryAdmin(
    ScopedChoicesMixin, MediaStoreAdminMixin, BackOfficeMediaMixin, HistoryAdmin, TabbedTranslationAdmin
):
    form = NormalisedImageForm
    list_display = ("name", "iso_code", "vpi_status", "group_count", "updated_at")
    list_filter = ("vpi_status",)
    search_fields = ("name", "name_es", "name_en", "iso_code")
    prepopulated_fields = {"slug": ("name_es",)}
    inlines = [WorkingGroupInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(group_total=Count("working_groups"))

    @admin.display(description=_("working groups"), ordering="group_total")
    def group_count(self, country):
        return country.group_total


@admin.register(Pillar)
class PillarAdmin(
    ScopedChoicesMixin, BackOfficeMediaMixin, SortableAdminMixin, HistoryAdmin, TabbedTranslationAdmin
):
    list_display = ("name", "slug", "membership_count")
    search_fields = ("name_es", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(membership_total=Count("memberships"))

    @admin.display(description=_("memberships"), ordering="membership_total")
    def membership_count(self, pillar):
        return pillar.membership_total


@admin.register(Organization)
class OrganizationAdmin(ScopedChoicesMixin, BackOfficeMediaMixin, HistoryAdmin, TabbedTranslationAdmin):
    list_display = ("name", "acronym", "kind", "website", "membership_count")
    list_filter = ("kind", "memberships__group__country", "memberships__pillar")
    search_fields = ("name_es", "name_en", "acronym")
    # A website typed without its scheme ("example.org") is saved as https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(membership_total=Count("memberships", distinct=True))

    @admin.display(description=_("memberships"), ordering="membership_total")
    def membership_count(self, organization):
        return organization.membership_total


class ObjectiveInline(ScopedChoicesMixin, SortableInlineAdminMixin, TranslationTabularInline):
    model = Objective
    extra = 0
    # sortable2's own template adds "move to first/last position" buttons beside the drag handle.
    template = SortableTabularInline.template


class ActivityInline(
    ScopedChoicesMixin, PreloadedAutocompleteInlineMixin, SortableInlineAdminMixin, TranslationStackedInline
):
    model = Activity
    extra = 0
    template = SortableStackedInline.template
    fields = ("title", "kind", ("start_date", "end_date"), "description", "documents")
    autocomplete_fields = ("documents",)

    def get_queryset(self, request):
        # Only the documents the user may choose: each row shows (and labels, with no query of its own) its
        # documents from these. A link to another group's draft stays, unseen (ScopedChoicesMixin).
        documents = Prefetch("documents", queryset=choosable(request.user, Document))
        return super().get_queryset(request).prefetch_related(documents)


class MembershipInline(ScopedChoicesMixin, PreloadedAutocompleteInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("organization", "pillar", "role", "representative", "start_date", "end_date", "is_public")
    # Autocomplete for the pillar too: a plain select would read the pillars again for every row.
    autocomplete_fields = ("organization", "pillar")

    def get_queryset(self, request):
        # The group too: each row is labelled "organization — group".
        return super().get_queryset(request).select_related("organization", "pillar", "group")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(
    GroupScopedAdminMixin,
    MediaStoreAdminMixin,
    BackOfficeMediaMixin,
    SortableAdminBase,
    HistoryAdmin,
    TabbedTranslationAdmin,
):
    group_path = None  # the groups themselves: a coordinator lists and opens only their own
    form = NormalisedImageForm
    list_display = ("name", "acronym", "country", "location", "kind", "status", "year_founded", "updated_at")
    list_filter = ("status", "country", "kind", "memberships__pillar")
    list_select_related = ("country",)
    search_fields = ("name_es", "name_en", "acronym", "location_es", "location_en")
    prepopulated_fields = {"slug": ("location_es",)}
    autocomplete_fields = ("country",)
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("country", "name", "acronym", "slug", "location", "kind", "status", "order")}),
        (_("Founding"), {"fields": ("year_founded", "founded_by")}),
        (_("On the map"), {"fields": (("latitude", "longitude"),), "classes": ("collapse",)}),
        (_("About the group"), {"fields": ("overview", "vision", "composition", "activities_summary")}),
        (_("Image"), {"fields": ("image", "image_alt"), "classes": ("collapse",)}),
        (_("Back office access"), {"fields": ("coordinators",), "classes": ("collapse",)}),
    )
    filter_horizontal = ("coordinators",)
    inlines = [ObjectiveInline, ActivityInline, MembershipInline, ContactInline]

    def get_queryset(self, request):
        # Filtering on memberships__pillar joins memberships: keep one row per group.
        return super().get_queryset(request).distinct()

    def get_readonly_fields(self, request, obj=None):
        # Who coordinates a group is the secretariat's choice: a coordinator sees it and cannot change it.
        readonly = super().get_readonly_fields(request, obj)
        return readonly if edits_every_group(request.user) else (*readonly, "coordinators")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            # Only staff accounts can sign in to the back office.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True).order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Editing only an objective or a contact still changes the page: visitors see a fresh "last updated".
        if any(formset.has_changed() for formset in formsets):
            WorkingGroup.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())


@admin.register(Activity)
class ActivityAdmin(GroupScopedAdminMixin, BackOfficeMediaMixin, HistoryAdmin, TabbedTranslationAdmin):
    revert_whole_revision = False  # usually saved as one of its group's inlines: bring it back alone
    list_display = ("title", "group", "kind", "start_date", "end_date")
    # RelatedOnly: the filter offers the listed activities' groups, so only a coordinator's own groups.
    list_filter = ("kind", "group__country", ("group", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("group",)
    search_fields = ("title_es", "title_en", "description_es", "description_en")
    autocomplete_fields = ("group", "documents")
    date_hierarchy = "start_date"


@admin.register(Membership)
class MembershipAdmin(GroupScopedAdminMixin, BackOfficeMediaMixin, HistoryAdmin):
    revert_whole_revision = False  # usually saved as one of its group's inlines: bring it back alone
    list_display = ("organization", "group", "pillar", "role", "start_date", "end_date", "is_public")
    list_filter = (
        "role",
        "pillar",
        "group__country",
        ("group", admin.RelatedOnlyFieldListFilter),
        "is_public",
    )
    list_select_related = ("organization", "group", "pillar")
    search_fields = (
        "organization__name_es",
        "organization__name_en",
        "organization__acronym",
        "representative",
    )
    autocomplete_fields = ("organization", "group")
