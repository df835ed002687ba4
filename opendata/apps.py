from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The public content as data: a JSON API with its OpenAPI description, CSV, Atom and iCalendar feeds.

    A satellite of the content apps (groups, documents, contacts): it reads them, none of them knows it."""

    name = "opendata"
    verbose_name = _("Open data")
