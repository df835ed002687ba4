"""iCalendar feeds (RFC 5545) of the activities of a group and of a country's groups, in the language of the
address, for calendar programs to subscribe to.

Only activities with a date take part, each an all-day event: it starts on its start date and, as RFC 5545
has it for all-day events, ends on the day after its last day (DTEND is exclusive). Each event's UID is the
activity's: a calendar program updates the event when the activity changes rather than adding another. The
latest ``CALENDAR_LENGTH`` activities, in a fixed number of queries however many there are.
"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from groups.models import Activity, WorkingGroup
from icwg_portal.routes import SlugRoute

CALENDAR_LENGTH = 500
CONTENT_TYPE = "text/calendar; charset=utf-8"
ACTIVITY_LIST = SlugRoute("groups:activities")


def dated_activities(groups):
    """The latest activities with a date of ``groups`` (a queryset of groups or their ids)."""
    activities = Activity.objects.filter(group__in=groups, start_date__isnull=False)
    return activities.latest_first()[:CALENDAR_LENGTH]


def activity_event(request, activity, group, stamp, summary):
    last_day = activity.end_date or activity.start_date
    return Event.new(
        uid=f"activity-{activity.pk}@{request.get_host()}",
        stamp=stamp,
        start=activity.start_date,
        end=last_day + datetime.timedelta(days=1),
        summary=summary,
        description=activity.description or None,
        location=f"{group.location}, {group.country.name}",
        categories=[activity.get_kind_display()],
        url=request.build_absolute_uri(ACTIVITY_LIST(country_slug=group.country.slug, slug=group.slug)),
    )


def calendar_response(request, name, uid, events):
    calendar = Calendar.new(
        name=name,
        # A calendar's own UID (RFC 7986), the same at every download: one per address and language.
        uid=f"{uid}-{get_language()}@{request.get_host()}",
        prodid="-//ICWG Portal//Activities//EN",
        refresh_interval=datetime.timedelta(days=1),
        subcomponents=events,
    )
    return HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)


def group_calendar(request, country_slug, slug):
    group = get_object_or_404(
        WorkingGroup.objects.published().with_country(), country__slug=country_slug, slug=slug
    )
    stamp = timezone.now()
    events = [
        activity_event(request, activity, group, stamp, activity.title)
        for activity in dated_activities([group.pk])
    ]
    name = _("%(group)s: activities") % {"group": group.name}
    return calendar_response(request, name, f"group-{group.pk}", events)


def country_calendar(request, slug):
    """The activities of a country's published groups: a country without one has no calendar."""
    groups = WorkingGroup.objects.published().with_list_details().filter(country__slug=slug)
    groups = {group.pk: group for group in groups}
    if not groups:
        raise Http404("No published working group in this country.")
    country = next(iter(groups.values())).country
    stamp = timezone.now()
    events = []
    for activity in dated_activities(list(groups)):
        group = groups[activity.group_id]
        summary = f"{activity.title} · {group.name}"  # the country's groups side by side: whose it is
        events.append(activity_event(request, activity, group, stamp, summary))
    name = _("Activities of the working groups in %(country)s") % {"country": country.name}
    return calendar_response(request, name, f"country-{country.pk}", events)
