import unicodedata

from django import forms

from search.results import KINDS, MAX_QUERY_LENGTH

# Characters no one types that a database refuses or misreads: control characters (a NUL), lone surrogates.
DROPPED = {"Cc", "Cs"}


class SearchQueryField(forms.CharField):
    """Text as typed in a search box: control characters, lone surrogates and extra spaces go."""

    def to_python(self, value):
        text = super().to_python(value)
        return " ".join("".join(" " if unicodedata.category(c) in DROPPED else c for c in text).split())


class SearchForm(forms.Form):
    """The site search's query string. Whatever it holds makes a search (maybe empty), never an error page:
    a value that is not understood (an unknown kind, ``page=abc``) is ignored, a long query is shortened."""

    q = SearchQueryField(required=False)
    kind = forms.ChoiceField(required=False, choices=[(kind.slug, kind.slug) for kind in KINDS])
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def __init__(self, data):
        super().__init__(data)
        self.shortened = False

    def clean_q(self):
        query = self.cleaned_data["q"]
        self.shortened = len(query) > MAX_QUERY_LENGTH
        return query[:MAX_QUERY_LENGTH].strip()

    def clean(self):
        return {name: value for name, value in super().clean().items() if value}

    def value(self, name, default):
        self.is_valid()
        return self.cleaned_data.get(name) or default

    @property
    def query(self):
        return self.value("q", "")

    @property
    def chosen_kind(self):
        return self.value("kind", "")

    @property
    def page_number(self):
        return self.value("page", 1)
