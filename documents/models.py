import secrets

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import PublicationStatus, TimestampedModel, WorkingGroup
from groups.roles import edits_every_group
from icwg_portal.choices import display_of
from icwg_portal.routes import SlugRoute

# Lists link to many documents and files: their addresses are reversed once per language, then filled in.
DOCUMENT_PAGE = SlugRoute("documents:detail")
DOWNLOAD = SlugRoute("documents:download")


class DocumentType(models.Model):
    """National model, stakeholder mapping, study, guidance…: data, so staff can add kinds."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self):
        return self.name


class DocumentLanguage(models.TextChoices):
    """The language a document itself is written in (not the language of the page that lists it)."""

    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    PORTUGUESE = "pt", _("Portuguese")
    FRENCH = "fr", _("French")
    QUECHUA = "qu", _("Quechua")


class DocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """Published documents, and the drafts ``user`` may edit (previewed before publishing)."""
        if not user.is_staff:
            return self.published()
        if edits_every_group(user):
            return self.all()
        editable = self.filter(groups__in=WorkingGroup.objects.editable_by(user)).values("pk")
        return self.filter(Q(status=PublicationStatus.PUBLISHED) | Q(pk__in=editable))

    def for_group(self, group):
        return self.filter(groups=group)

    def with_list_details(self):
        """The columns a list item shows (title, type, year, each file's language, format, size and cover):
        not the summary, nor the files' extracted text."""
        return (
            self.select_related("document_type")
            .only("title", "slug", "language", "publication_date", "document_type__name")
            .prefetch_related(Prefetch("files", queryset=DocumentFile.objects.for_list_items()))
        )

    def with_page_details(self):
        """What a document's own page shows: type, publisher and files (not their extracted text)."""
        return self.select_related("document_type", "publisher").prefetch_related(
            Prefetch("files", queryset=DocumentFile.objects.for_list_items("kind", "note", "mime_type"))
        )

    def latest_first(self):
        """The most recently published first; those without a date after them, the newest record first."""
        return self.order_by(F("publication_date").desc(nulls_last=True), "-created_at", "-pk")

    def in_language(self, language):
        """Documents written in ``language`` or with a file (a translation, a summary) in it."""
        return self.filter(
            Q(language=language)
            | Exists(DocumentFile.objects.filter(document=OuterRef("pk"), language=language))
        )

    def published_in_year(self, year):
        return self.filter(publication_date__year=year)

    def for_country(self, country):
        return self.filter(
            Exists(
                Document.groups.through.objects.filter(document=OuterRef("pk"), workinggroup__country=country)
            )
        )


class Document(TimestampedModel):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, help_text=_("Used in the page address."))
    summary = models.TextField(_("summary"), blank=True)
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="documents"
    )
    language = models.CharField(
        _("language of the document"),
        max_length=5,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.SPANISH,
        help_text=_("The language the document itself is written in."),
    )
    get_language_display = display_of("language", DocumentLanguage)
    external_url = models.URLField(
        _("external link"), max_length=500, blank=True, help_text=_("For documents hosted elsewhere.")
    )
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    publisher = models.ForeignKey(
        "groups.Organization",
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        related_name="published_documents",
        null=True,
        blank=True,
    )
    groups = models.ManyToManyField(
        "groups.WorkingGroup", verbose_name=_("working groups"), blank=True, related_name="documents"
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text=_("Only published documents are shown to visitors."),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values), name="document_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=DocumentLanguage.values), name="document_language_valid"
            ),
        ]
        indexes = [
            # The library's order (and the search's, after the rank), read from the index a page at a time
            # instead of sorting every document; it also holds what a search joins and sorts on.
            models.Index(
                fields=["status", "-publication_date", "-created_at", "id"], name="document_library_order"
            ),
            models.Index(fields=["status", "-created_at"], name="document_newest_first"),  # the feed
            models.Index(fields=["status", "updated_at"], name="document_last_updated"),  # sitemaps' lastmod
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return DOCUMENT_PAGE(slug=self.slug)

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED

    def files_in_order(self):
        """The document's files, the original language first (uses ``files`` when prefetched)."""
        return sorted(self.files.all(), key=lambda file: (file.language != self.language, file.language))


class FileFormat(models.TextChoices):
    """The formats staff may upload, each recognised from the file's content (documents/uploads.py)."""

    PDF = "pdf", "PDF"
    DOCX = "docx", _("Word document")
    ODT = "odt", _("OpenDocument text")
    XLSX = "xlsx", _("Excel spreadsheet")
    ODS = "ods", _("OpenDocument spreadsheet")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")
    WEBP = "webp", _("WebP image")


class FileKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    TRANSLATION = "translation", _("Translation")
    SUMMARY = "summary", _("Summary")


class DocumentFileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(document__status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        return self.filter(document__in=Document.objects.visible_to(user).values("pk"))

    def for_list_items(self, *also):
        """The columns a list item shows of a file (language, format, size, pages, cover), and ``also``: never
        its extracted text."""
        shown = ("document", "language", "format", "size", "page_count")
        cover = ("cover", "cover_width", "cover_height")
        return self.only(*shown, *cover, *also).order_by("document_id", "language")


# What a file's save may change without the document changing for its readers.
NOT_A_CHANGE = {"download_count"}


def touch_document(sender, instance, raw=False, update_fields=None, **_kwargs):
    """A file of a document changed: so did the document (an update: no signals, no new version)."""
    if not raw and not (update_fields and set(update_fields) <= NOT_A_CHANGE):
        Document.objects.filter(pk=instance.document_id).update(updated_at=timezone.now())


def document_file_path(document_file, filename):
    """Where a file is stored: an ASCII name in a folder no one can guess, should the storage be public."""
    return f"documents/{timezone.now():%Y}/{secrets.token_hex(8)}/{filename}"


def document_cover_path(document_file, filename):
    return f"documents/covers/{timezone.now():%Y}/{secrets.token_hex(8)}/{filename}"


class DocumentFile(TimestampedModel):
    """One file of a document in one language: the original, a translation or a summary.

    Everything but the language, kind and note is computed from the uploaded file (documents/uploads.py)
    and written by documents/services.py, never typed by staff.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="files"
    )
    language = models.CharField(
        _("language of the file"),
        max_length=5,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.SPANISH,
    )
    get_language_display = display_of("language", DocumentLanguage)
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices, default=FileKind.ORIGINAL)
    get_kind_display = display_of("kind", FileKind)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Optional, shown next to the download, e.g. “Unofficial translation”."),
    )
    file = models.FileField(_("file"), upload_to=document_file_path, max_length=255)
    original_filename = models.CharField(_("file name"), max_length=255, editable=False)
    format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices, editable=False)
    mime_type = models.CharField(_("media type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, editable=False)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    cover = models.ImageField(
        _("cover thumbnail"),
        upload_to=document_cover_path,
        max_length=255,
        blank=True,
        editable=False,
        db_index=True,  # /media/ looks a cover up by its name to check its document is published
    )
    cover_width = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    download_count = models.PositiveIntegerField(_("downloads"), default=0, editable=False)

    objects = DocumentFileQuerySet.as_manager()

    class Meta:
        ordering = ["document", "language"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language"],
                name="document_file_one_per_language",
                violation_error_message=_("This document already has a file in this language."),
            ),
            models.CheckConstraint(
                condition=Q(language__in=DocumentLanguage.values), name="document_file_language_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=FileKind.values), name="document_file_kind_valid"),
            models.CheckConstraint(
                condition=Q(format__in=FileFormat.values), name="document_file_format_valid"
            ),
        ]

    def __str__(self):
        return f"{self.document} ({self.get_language_display()})"

    def get_absolute_url(self):
        return DOWNLOAD(slug=self.document.slug, language=self.language)

    @property
    def etag(self):
        """A strong validator: the content's own digest, the same on every server and after a restore."""
        return f'"{self.sha256[:40]}"'

    @property
    def format_label(self):
        return self.format.upper()
