from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentLanguage, DocumentType
from groups.models import Country, WorkingGroup


class LibraryFilterForm(forms.Form):
    """The library's filters, read from the query string: every combination has its own address.

    Choices are loaded once (one query per filter, whatever the number of documents); a value that is not
    among them (a mistyped or stale link) is ignored and reported, never an error page.
    """

    country = forms.ChoiceField(label=_("Country"), required=False)
    group = forms.ChoiceField(label=_("Working group"), required=False)
    type = forms.ChoiceField(label=_("Type of document"), required=False)
    language = forms.ChoiceField(label=_("Language of the document"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, data, documents):
        super().__init__(data)
        self.countries = {c.slug: c for c in Country.objects.with_published_groups().only("name", "slug")}
        groups = WorkingGroup.objects.published().select_related("country").only("name", "country__name")
        self.groups = {str(g.pk): g for g in groups}
        self.types = {t.slug: t for t in DocumentType.objects.all()}
        self.years = [str(d.year) for d in documents.dates("publication_date", "year", order="DESC")]
        self.fields["country"].choices = [("", _("All countries"))] + [
            (slug, country.name) for slug, country in self.countries.items()
        ]
        by_country = {}
        for pk, group in self.groups.items():
            by_country.setdefault(group.country.name, []).append((pk, group.name))
        self.fields["group"].choices = [("", _("All working groups")), *by_country.items()]
        self.fields["type"].choices = [("", _("All types"))] + [(s, t.name) for s, t in self.types.items()]
        self.fields["language"].choices = [("", _("All languages")), *DocumentLanguage.choices]
        self.fields["year"].choices = [("", _("All years"))] + [(year, year) for year in self.years]

    def clean(self):
        # A filter that failed is dropped (reported by ``ignored``); the others still apply.
        return {name: value for name, value in super().clean().items() if value}

    @property
    def active(self):
        self.is_valid()
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}

    @property
    def ignored(self):
        """Labels of the filters whose values were not understood."""
        self.is_valid()
        return [self.fields[name].label for name in self.fields if name in self.errors]

    def filter(self, documents):
        active = self.active
        if "country" in active:
            documents = documents.for_country(self.countries[active["country"]])
        if "group" in active:
            documents = documents.for_group(self.groups[active["group"]])
        if "type" in active:
            documents = documents.filter(document_type=self.types[active["type"]])
        if "language" in active:
            documents = documents.in_language(active["language"])
        if "year" in active:
            documents = documents.published_in_year(int(active["year"]))
        return documents

    def query_string(self, without=None, page=None):
        """The canonical query string of the active filters (fixed order, no empty values)."""
        query = QueryDict(mutable=True)
        for name, value in self.active.items():
            if name != without:
                query[name] = value
        if page and page > 1:
            query["page"] = page
        return query.urlencode()

    def descriptions(self):
        """Each active filter as the reader would say it, with the address of the list without it."""
        active = self.active
        labels = {
            "country": lambda v: self.countries[v].name,
            "group": lambda v: self.groups[v].name,
            "type": lambda v: self.types[v].name,
            "language": lambda v: DocumentLanguage(v).label,
            "year": str,
        }
        return [
            {
                "name": self.fields[name].label,
                "value": labels[name](value),
                "without": self.query_string(name),
            }
            for name, value in active.items()
        ]
