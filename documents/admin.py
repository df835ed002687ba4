from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from documents import services, uploads
from documents.models import Document, DocumentFile, DocumentType
from groups.forms import BackOfficeMediaMixin
from groups.history import HistoryAdmin, register_history
from groups.permissions import GroupScopedAdminMixin, ScopedChoicesMixin
from icwg_portal.media_store import MediaStoreAdminMixin

ACCEPTED_EXTENSIONS = ".pdf,.docx,.odt,.xlsx,.ods,.png,.jpg,.jpeg,.webp"

# This app's records in the history (groups/history.py), registered before the admin classes below are built:
# a document's version carries its files, and the links of the activities that link it.
register_history(DocumentType)
register_history(DocumentFile)
register_history(Document, follow=("files",), links=("activities",))
DOCUMENT_FILES_NOTE = _(
    "The history keeps a document's files too: reverting or recovering a document brings back its files as "
    "they were in that version."
)


@admin.register(DocumentType)
class DocumentTypeAdmin(ScopedChoicesMixin, BackOfficeMediaMixin, HistoryAdmin, TabbedTranslationAdmin):
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
            return queryset.filter(files__isnull=False)
        if self.value() == "link":
            return queryset.exclude(external_url="")
        if self.value() == "none":
            return queryset.filter(files__isnull=True, external_url="")
        return queryset


class DocumentFileForm(forms.ModelForm):
    """Checks a new upload (its real type, size, integrity) while the form is validated, in the staff
    member's language; the file is stored only when the whole page saves (documents/services.py)."""

    class Meta:
        model = DocumentFile
        fields = ("language", "kind", "file", "note")
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS})}

    upload = None
    inspected = None

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new upload, not the file already stored
            self.inspected = uploads.inspect_upload(file)
            self.upload = file
        return file


class DocumentFileInline(ScopedChoicesMixin, admin.StackedInline):
    model = DocumentFile
    form = DocumentFileForm
    extra = 1
    fields = (("language", "kind"), "file", "note", "details")
    readonly_fields = ("details",)

    @admin.display(description=_("what visitors see"))
    def details(self, document_file):
        if not document_file.pk:
            return _("Computed from the file when you save: format, size, pages, text and cover.")
        cover = (
            format_html(
                '<img src="{}" width="{}" height="{}" alt="" class="document-file-cover">',
                document_file.cover.url,
                document_file.cover_width // 2,
                document_file.cover_height // 2,
            )
            if document_file.cover
            else ""
        )
        facts = [document_file.format_label, filesizeformat(document_file.size)]
        if document_file.page_count:
            facts.append(
                ngettext("%(count)d page", "%(count)d pages", document_file.page_count)
                % {"count": document_file.page_count}
            )
        facts.append(
            ngettext("%(count)d download", "%(count)d downloads", document_file.download_count)
            % {"count": document_file.download_count}
        )
        return format_html(
            '{}<p>{} · <a href="{}">{}</a></p>',
            cover,
            ", ".join(str(fact) for fact in facts),
            document_file.get_absolute_url(),
            document_file.original_filename,
        )


@admin.register(Document)
class DocumentAdmin(
    GroupScopedAdminMixin, MediaStoreAdminMixin, BackOfficeMediaMixin, HistoryAdmin, TabbedTranslationAdmin
):
    # A coordinator sees and files documents only under the groups they coordinate (groups/permissions.py).
    group_path = "groups"
    history_note = DOCUMENT_FILES_NOTE
    list_display = (
        "cover_thumbnail",
        "title",
        "document_type",
        "language",
        "file_languages",
        "file_formats",
        "publication_date",
        "status",
        "downloads",
        "updated_at",
    )
    list_display_links = ("cover_thumbnail", "title")
    list_filter = (
        "status",
        "language",
        "document_type",
        "groups__country",
        ("groups", admin.RelatedOnlyFieldListFilter),
        HasDownloadFilter,
    )
    list_select_related = ("document_type", "publisher")
    search_fields = ("title_es", "title_en", "summary_es", "summary_en")
    prepopulated_fields = {"slug": ("title_es",)}
    autocomplete_fields = ("publisher", "groups")
    date_hierarchy = "publication_date"
    # A link typed without its scheme ("example.org/…") is saved as https://, not http://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "document_type", "language", "status")}),
        (_("Hosted elsewhere"), {"fields": ("external_url",)}),
        (_("Publication"), {"fields": ("publication_date", "publisher", "groups")}),
    )
    inlines = [DocumentFileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files").distinct()

    @admin.display(description=_("cover"))
    def cover_thumbnail(self, document):
        covered = next((f for f in document.files_in_order() if f.cover), None)
        if covered is None:
            return "—"
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy" class="document-cover-thumbnail">',
            covered.cover.url,
            covered.cover_width // 4,
            covered.cover_height // 4,
        )

    @admin.display(description=_("files in"))
    def file_languages(self, document):
        return ", ".join(str(f.get_language_display()) for f in document.files_in_order()) or "—"

    @admin.display(description=_("formats"))
    def file_formats(self, document):
        return format_html_join(", ", "{}", ((f.format_label,) for f in document.files_in_order())) or "—"

    @admin.display(description=_("downloads"))
    def downloads(self, document):
        return sum(f.download_count for f in document.files.all())

    # --- Files are stored and deleted by documents/services.py, in step with the database ------------------
    # MediaStoreAdminMixin saves the page in atomic_with_files(): a failure anywhere while saving it (another
    # inline, a constraint, the media store refusing a file) removes the files it stored.

    def save_formset(self, request, form, formset, change):
        if formset.model is not DocumentFile:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        for document_file in formset.deleted_objects:
            services.delete_document_file(document_file)
        for inline_form in formset.forms:
            if inline_form.instance in saved:
                services.save_document_file(
                    inline_form.instance, upload=inline_form.upload, inspected=inline_form.inspected
                )
        return None

    def delete_model(self, request, document):
        self.save_last_versions(request, [document])  # HistoryAdmin's: recovering brings it back as it was
        services.delete_documents([document])

    def delete_queryset(self, request, queryset):
        documents = list(queryset)
        self.save_last_versions(request, documents)
        services.delete_documents(documents)
