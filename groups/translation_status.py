"""How complete the translations are: per kind of record and per field, how much of the text exists in
Spanish and in English, and which records still wait for a translation."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from modeltranslation.translator import translator

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def filled(field_name, language):
    column = f"{field_name}_{language}"
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


@dataclass
class FieldStatus:
    name: str
    label: str
    texts: int  # records with this text in at least one language
    filled: dict = field(default_factory=dict)  # language -> records with the text in that language

    def percent(self, language):
        return round(100 * self.filled[language] / self.texts) if self.texts else 100


@dataclass
class ModelStatus:
    model: type
    fields: list
    waiting: dict = field(default_factory=dict)  # language -> [(record, admin url)] missing a translation

    @property
    def label(self):
        return self.model._meta.verbose_name_plural

    def percent(self, language):
        texts = sum(f.texts for f in self.fields)
        return round(100 * sum(f.filled[language] for f in self.fields) / texts) if texts else 100

    @property
    def by_language(self):
        """[(language, percent complete, records waiting for a translation into it)], for the template."""
        return [(language, self.percent(language), self.waiting.get(language, [])) for language in LANGUAGES]


def translated_models():
    """The models whose texts are translated, in a stable order (app, then model name)."""
    models = [m for m in translator.get_registered_models() if not m._meta.abstract and not m._meta.proxy]
    return sorted(models, key=lambda m: (m._meta.app_label, m._meta.model_name))


def translation_status(waiting_limit=10):
    """One aggregate query per model for the figures, one per model and language for the waiting list."""
    report = []
    for model in translated_models():
        translated = set(translator.get_options_for_model(model).fields)
        names = [f.name for f in model._meta.fields if f.name in translated]  # in the form's order
        counts = {}
        for name in names:
            in_any_language = filled(name, LANGUAGES[0]) | filled(name, LANGUAGES[1])
            counts[f"{name}__any"] = Count("pk", filter=in_any_language)
            for language in LANGUAGES:
                counts[f"{name}__{language}"] = Count("pk", filter=filled(name, language))
        totals = model._default_manager.aggregate(**counts)
        fields = [
            FieldStatus(
                name=name,
                label=model._meta.get_field(name).verbose_name,
                texts=totals[f"{name}__any"],
                filled={language: totals[f"{name}__{language}"] for language in LANGUAGES},
            )
            for name in names
        ]
        status = ModelStatus(model=model, fields=fields)
        for language in LANGUAGES:
            others = [other for other in LANGUAGES if other != language]
            missing = Q()
            for name in names:
                missing |= filled(name, others[0]) & ~filled(name, language)
            records = model._default_manager.filter(missing).order_by("pk")[:waiting_limit]
            status.waiting[language] = [(record, admin_url(record)) for record in records]
        report.append(status)
    return report


def admin_url(record):
    try:
        return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return ""
