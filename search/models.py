from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One public record as the site search finds and shows it: derived data, written by search/index.py from
    search/declarations.py, never edited.

    A document's files each have an entry of their own for their extracted text (``part``: the file's id), so
    that megabytes of text never sit in the row that ranks the document. What is shown of a result is stored
    here, in each language, so that a page of results reads this table alone: its title and a short plain
    text (each with the language it is really written in: they differ when it falls back), its address, a
    line of context and, for an organization, links to its groups.

    What is matched: on PostgreSQL ``vector``, a weighted ``tsvector`` of both languages' texts (GIN-indexed,
    search/migrations/0001), or for a file's text ``file_vector``, apart, so that the large ones stay out of
    the rows a search reads and ranks; on SQLite the FTS5 table ``search_entry_text`` (rowid = this id),
    which that migration creates, a trigger keeping it in step as entries are deleted.
    """

    # What reads the same in both languages is stored once, in this language's columns.
    FIRST_LANGUAGE = settings.MODELTRANSLATION_LANGUAGES[0]

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        GROUP = "group", _("Working group")
        ORGANIZATION = "organization", _("Organization")
        CONTACT = "contact", _("Contact")
        OBJECTIVE = "objective", _("Objective")
        ACTIVITY = "activity", _("Activity")
        DOCUMENT = "document", _("Document")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(
        help_text="The record found (for a file's text: its document)."
    )
    part = models.PositiveBigIntegerField(
        default=0,
        help_text="0 for the record's own texts, else the document file whose text this entry holds.",
    )
    title_es = models.TextField(blank=True)
    title_en = models.TextField(blank=True)
    title_es_language = models.CharField(max_length=5, blank=True)
    title_en_language = models.CharField(max_length=5, blank=True)
    body_es = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    body_es_language = models.CharField(max_length=5, blank=True)
    body_en_language = models.CharField(max_length=5, blank=True)
    url_es = models.CharField(max_length=500, blank=True)
    url_en = models.CharField(max_length=500, blank=True)
    context_es = models.TextField(blank=True)
    context_en = models.TextField(blank=True)
    # {"es": [[name, address], …], "en": […]}: the groups an organization belongs to.
    links = models.JSONField(default=dict, blank=True)
    # The words of the record's names, each once, as written: what a misspelt query is compared with.
    names = models.TextField(blank=True)
    vector = SearchVectorField(null=True)
    file_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "part"], name="search_entry_unique_part"),
        ]
        indexes = [
            models.Index(fields=["part"], condition=Q(part__gt=0), name="search_entry_file_part"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}" + (f" (file {self.part})" if self.part else "")

    def shown(self, name, language):
        """(what a ``language`` page shows of ``name``, "title", "body", "url" or "context"; the language it
        is written in, for a title or body): the other language's columns are empty when both read alike."""
        if language != self.FIRST_LANGUAGE and not getattr(self, f"{name}_{language}"):
            language = self.FIRST_LANGUAGE
        return getattr(self, f"{name}_{language}"), getattr(self, f"{name}_{language}_language", "")
