from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from documents.models import Document, DocumentType
from groups.forms import BackOfficeMediaMixin


@admin.register(DocumentType)
class DocumentTypeAdmin(BackOfficeMediaMixin, TabbedTranslationAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_es", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}


class HasDownloadFilter(admin.SimpleListFilter):
    title = _("availability")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return [
            ("file", _("File uploaded")),
            ("link", _("External link")),
            ("none", _("Neither file nor link")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "file":
            return queryset.exclude(file="")
        if self.value() == "link":
            return queryset.exclude(external_url="")
        if self.value() == "none":
            return queryset.filter(file="", external_url="")
        return queryset


@admin.register(Document)
class DocumentAdmin(BackOfficeMediaMixin, TabbedTranslationAdmin):
    list_display = (
        "title",
        "document_type",
        "language",
        "publication_date",
        "publisher",
        "status",
        "updated_at",
    )
    list_filter = ("status", "language", "document_type", "groups__country", "groups", HasDownloadFilter)
    list_select_related = ("document_type", "publisher")
    search_fields = ("title_es", "title_en", "summary_es", "summary_en")
    prepopulated_fields = {"slug": ("title_es",)}
    autocomplete_fields = ("publisher", "groups")
    date_hierarchy = "publication_date"
    # A link typed without its scheme ("example.org/…") is saved as https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "document_type", "language", "status")}),
        (_("File or link"), {"fields": ("file", "external_url")}),
        (_("Publication"), {"fields": ("publication_date", "publisher", "groups")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()
