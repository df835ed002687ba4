from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The public content as data: a JSON API with its OpenAPI description, CSV, Atom and iCalendar feeds.

    A satellite of the content apps (groups, documents, contacts): it reads them, none of them knows it."""

    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        checks.register(rate_limit_is_readable)


def rate_limit_is_readable(app_configs=None, **_kwargs):
    """A limit the API cannot read would fail every request: refuse to start instead (check --deploy runs
    before every start of the production setup, scripts/prepare-release)."""
    from opendata.api import PerAddressLimit

    try:
        PerAddressLimit.limit()
    except ValueError as problem:
        return [
            checks.Error(str(problem), hint="For example 120/min, 2000/hour or 10/s.", id="opendata.E001")
        ]
    return []
