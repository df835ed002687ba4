from modeltranslation.translator import TranslationOptions, register

from groups.models import Activity, Country, Objective, Organization, Pillar, WorkingGroup


@register(Country)
class CountryTranslationOptions(TranslationOptions):
    fields = ("name", "introduction", "image_alt")
    required_languages = ("es",)


@register(Pillar)
class PillarTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("es",)


@register(Organization)
class OrganizationTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("es",)


@register(WorkingGroup)
class WorkingGroupTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "location",
        "founded_by",
        "overview",
        "vision",
        "composition",
        "activities_summary",
        "image_alt",
    )
    required_languages = ("es",)


@register(Objective)
class ObjectiveTranslationOptions(TranslationOptions):
    fields = ("text",)
    required_languages = ("es",)


@register(Activity)
class ActivityTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("es",)
