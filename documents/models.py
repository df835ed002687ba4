from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import PublicationStatus, TimestampedModel


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

    def for_group(self, group):
        return self.filter(groups=group)

    def with_list_details(self):
        return self.select_related("document_type", "publisher")


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
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
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

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED
