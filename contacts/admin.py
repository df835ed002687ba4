from django.contrib import admin

from contacts.models import Contact
from groups.forms import BackOfficeMediaMixin, PreloadedAutocompleteInlineMixin
from groups.history import HistoryAdmin, register_history
from groups.permissions import GroupScopedAdminMixin, ScopedChoicesMixin

# In the history (groups/history.py) before the admin classes below are built; a group's version carries its
# contacts (groups/admin.py).
register_history(Contact)


class ContactInline(ScopedChoicesMixin, PreloadedAutocompleteInlineMixin, admin.StackedInline):
    model = Contact
    extra = 0
    fields = (("person", "role"), "organization", "emails", ("phone", "last_verified"), "is_public")
    autocomplete_fields = ("organization",)

    def get_queryset(self, request):
        # The group too: each row is labelled "person (group)".
        return super().get_queryset(request).select_related("organization", "group")


@admin.register(Contact)
class ContactAdmin(GroupScopedAdminMixin, BackOfficeMediaMixin, HistoryAdmin):
    revert_whole_revision = False  # usually saved as one of its group's inlines: bring it back alone
    list_display = (
        "person",
        "role",
        "organization",
        "group",
        "email_addresses",
        "is_public",
        "last_verified",
    )
    # RelatedOnly: the filter offers the groups of the contacts listed, i.e. only a coordinator's own groups.
    list_filter = ("is_public", "role", "group__country", ("group", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organization", "group")
    search_fields = (
        "person",
        "emails",
        "organization__name_es",
        "organization__name_en",
        "organization__acronym",
    )
    autocomplete_fields = ("group", "organization")

    @admin.display(description=Contact._meta.get_field("emails").verbose_name)
    def email_addresses(self, contact):
        return ", ".join(contact.email_list)
