"""The open-data addresses inside a language prefix (/es/…, /en/…): the page that explains them, and the
feeds of a group and of a country. The JSON API lives outside the prefixes (icwg_portal/urls.py, /api/v1/)."""

from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from opendata import calendars, feeds, views

app_name = "opendata"

urlpatterns = [
    path(_("open-data/"), views.open_data_page, name="page"),
    # Included at the root of the language prefix: the addresses start with the groups' own "countries/".
    path(
        format_lazy("{}<slug:country_slug>/<slug:slug>/{}", _("countries/"), _("feed/")),
        feeds.GroupFeed(),
        name="group_feed",
    ),
    path(
        format_lazy("{}<slug:country_slug>/<slug:slug>/{}", _("countries/"), _("calendar.ics")),
        calendars.group_calendar,
        name="group_calendar",
    ),
    path(
        format_lazy("{}<slug:slug>/{}", _("countries/"), _("calendar.ics")),
        calendars.country_calendar,
        name="country_calendar",
    ),
]
