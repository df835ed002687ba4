"""A group's Atom feed and the iCalendar feeds of a group and of a country (opendata/feeds.py, calendars.py),
read as a feed reader and a calendar program read them: with feedparser and icalendar."""

import datetime
from html.parser import HTMLParser

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from groups.models import Activity
from tests import factories

pytestmark = pytest.mark.django_db

GROUP = {"country_slug": "peru", "slug": "cusco"}


def address(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def feed(client, language, **kwargs):
    response = client.get(address("opendata:group_feed", language, **(kwargs or GROUP)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def calendar(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(parsed):
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


@pytest.fixture
def news(cusco):
    """Cusco's dated and undated activities, a document with a publisher and a draft (the Peru content's
    activities have no date and its documents no publisher)."""
    workshop = factories.make_activity(
        group=cusco,
        title_es="Taller de derechos humanos",
        title_en="Human rights workshop",
        description_es="Tres días con la Policía.",
        description_en="Three days with the police.",
        start_date=datetime.date(2024, 3, 5),
        end_date=datetime.date(2024, 3, 7),
    )
    dialogue = factories.make_activity(
        group=cusco,
        title_es="Conversatorio en Espinar",
        title_en="Discussion in Espinar",
        kind=Activity.Kind.DIALOGUE,
        start_date=datetime.date(2024, 6, 10),
    )
    undated = factories.make_activity(group=cusco, title_es="Reunión sin fecha", title_en="Undated meeting")
    publisher = factories.make_organization(name_es="Defensoría del Pueblo", name_en="Ombudsman's Office")
    report = factories.make_document(
        groups=[cusco], title_es="Informe de Cusco", title_en="Cusco report", publisher=publisher
    )
    draft = factories.make_document(
        groups=[cusco], title_es="Borrador reservado", title_en="Confidential draft", status="draft"
    )
    return {"workshop": workshop, "dialogue": dialogue, "undated": undated, "report": report, "draft": draft}


def test_the_addresses_in_each_language():
    assert address("opendata:group_feed", "es", **GROUP) == "/es/paises/peru/cusco/novedades/"
    assert address("opendata:group_feed", "en", **GROUP) == "/en/countries/peru/cusco/feed/"
    assert address("opendata:group_calendar", "es", **GROUP) == "/es/paises/peru/cusco/calendario.ics"
    assert address("opendata:group_calendar", "en", **GROUP) == "/en/countries/peru/cusco/calendar.ics"
    assert address("opendata:country_calendar", "es", slug="peru") == "/es/paises/peru/calendario.ics"
    assert address("opendata:country_calendar", "en", slug="peru") == "/en/countries/peru/calendar.ics"


class TestGroupFeed:
    @pytest.mark.parametrize(("language", "other"), [("es", "en"), ("en", "es")], ids=["spanish", "english"])
    def test_the_entries_are_in_the_language_of_the_address(self, client, cusco, news, language, other):
        parsed = feed(client, language)
        assert parsed.feed.language == language
        assert getattr(cusco, f"name_{language}") in parsed.feed.title
        titles = {entry.title for entry in parsed.entries}
        for key in ("workshop", "dialogue", "report"):
            assert getattr(news[key], f"title_{language}") in titles
            assert getattr(news[key], f"title_{other}") not in titles
        workshop = next(
            e for e in parsed.entries if e.title == getattr(news["workshop"], f"title_{language}")
        )
        assert workshop.summary == getattr(news["workshop"], f"description_{language}")
        assert all(entry.link.startswith(f"http://testserver/{language}/") for entry in parsed.entries)
        assert parsed.feed.link == f"http://testserver{address('groups:detail', language, **GROUP)}"

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_the_feed_and_every_entry_have_an_author(self, client, cusco, news, language):
        parsed = feed(client, language)
        group_name = getattr(cusco, f"name_{language}")
        assert parsed.feed.author == group_name
        authors = {entry.title: entry.get("author") for entry in parsed.entries}
        assert all(authors.values()), authors
        assert authors[getattr(news["report"], f"title_{language}")] == (
            "Defensoría del Pueblo" if language == "es" else "Ombudsman's Office"
        )
        assert authors[getattr(news["workshop"], f"title_{language}")] == group_name

    def test_entries_have_ids_and_dates_and_link_to_their_pages(self, client, news):
        parsed = feed(client, "en")
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)) and all(ids)
        assert parsed.feed.updated_parsed and parsed.feed.id
        assert all(entry.updated_parsed and entry.published_parsed for entry in parsed.entries)
        links = {entry.title: entry.link for entry in parsed.entries}
        assert links["Cusco report"] == f"http://testserver{news['report'].get_absolute_url()}"
        activities = f"http://testserver{address('groups:activities', 'en', **GROUP)}"
        assert links["Human rights workshop"] == f"{activities}#activity-{news['workshop'].pk}"
        assert Client().get(links["Cusco report"]).status_code == 200
        assert Client().get(activities).status_code == 200

    def test_newest_first_and_at_most_thirty(self, client, cusco, news):
        first = datetime.date(2020, 1, 1)
        older = [
            factories.make_activity(group=cusco, start_date=first + datetime.timedelta(d)) for d in range(40)
        ]
        parsed = feed(client, "en")
        assert len(parsed.entries) == 30
        published = [entry.published_parsed for entry in parsed.entries]
        assert published == sorted(published, reverse=True)
        # The documents, added today, come first; then the activities from the latest, until there are 30.
        titles = [entry.title for entry in parsed.entries]
        assert titles[0] == "Cusco report"
        activities = [news["dialogue"], news["workshop"], *reversed(older)]
        shown = [title for title in titles if title in {activity.title_en for activity in activities}]
        assert 2 < len(shown) < len(activities)
        assert shown == [activity.title_en for activity in activities[: len(shown)]]

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_drafts_and_undated_activities_never_appear(self, client, superuser_client, news, language):
        for reader in (client, superuser_client):  # staff preview drafts on the pages, never in feeds
            text = " ".join(entry.title for entry in feed(reader, language).entries)
            assert "Borrador" not in text and "Confidential" not in text
            assert getattr(news["undated"], f"title_{language}") not in text

    def test_an_unpublished_or_unknown_group_has_no_feed(self, client, superuser_client, cusco, lima):
        feed(client, "en", country_slug="peru", slug="lima")  # the other group's is there
        cusco.status = "draft"
        cusco.save()
        for reader in (client, superuser_client):
            for language in ("es", "en"):
                assert reader.get(address("opendata:group_feed", language, **GROUP)).status_code == 404
        unknown = {"country_slug": "peru", "slug": "nowhere"}
        assert client.get(address("opendata:group_feed", "en", **unknown)).status_code == 404
        elsewhere = {"country_slug": "colombia", "slug": "lima"}
        assert client.get(address("opendata:group_feed", "en", **elsewhere)).status_code == 404


class TestCalendars:
    @pytest.mark.parametrize("language", ["es", "en"])
    def test_a_group_calendar_has_its_dated_activities_as_all_day_events(self, client, cusco, news, language):
        parsed = calendar(client, address("opendata:group_calendar", language, **GROUP))
        assert getattr(cusco, f"name_{language}") in str(parsed["X-WR-CALNAME"])
        events = events_by_uid(parsed)
        workshop, dialogue = news["workshop"], news["dialogue"]
        assert set(events) == {f"activity-{workshop.pk}@testserver", f"activity-{dialogue.pk}@testserver"}
        event = events[f"activity-{workshop.pk}@testserver"]
        assert str(event["SUMMARY"]) == getattr(workshop, f"title_{language}")
        assert str(event["DESCRIPTION"]) == getattr(workshop, f"description_{language}")
        assert event["URL"] == f"http://testserver{address('groups:activities', language, **GROUP)}"
        assert event["DTSTAMP"].dt.tzinfo is not None
        # All-day: dates, not times; the end is the day after the last day (RFC 5545, 3.6.1).
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert type(start) is datetime.date and type(end) is datetime.date
        assert (start, end) == (datetime.date(2024, 3, 5), datetime.date(2024, 3, 8))
        one_day = events[f"activity-{dialogue.pk}@testserver"]
        assert (one_day["DTSTART"].dt, one_day["DTEND"].dt) == (
            datetime.date(2024, 6, 10),
            datetime.date(2024, 6, 11),
        )

    def test_uids_are_stable_and_unique(self, client, cusco, news):
        factories.make_activity(group=cusco, title_en="Same day", start_date=datetime.date(2024, 3, 5))
        downloads = [
            calendar(Client(), address("opendata:group_calendar", language, **GROUP))
            for language in ("es", "en", "es")
        ]
        uids = [[str(event["UID"]) for event in parsed.walk("VEVENT")] for parsed in downloads]
        assert len(uids[0]) == len(set(uids[0])) == 3
        assert set(uids[0]) == set(uids[1]) == set(uids[2])

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_a_country_calendar_has_its_published_groups_activities(
        self, client, cusco, lima, news, language
    ):
        in_lima = factories.make_activity(group=lima, start_date=datetime.date(2024, 8, 1))
        draft_group = factories.make_group(country=cusco.country, status="draft")
        hidden = factories.make_activity(group=draft_group, start_date=datetime.date(2024, 8, 2))
        elsewhere = factories.make_activity(start_date=datetime.date(2024, 8, 3))  # another country's group
        parsed = calendar(client, address("opendata:country_calendar", language, slug="peru"))
        assert getattr(cusco.country, f"name_{language}") in str(parsed["X-WR-CALNAME"])
        events = events_by_uid(parsed)
        expected = {news["workshop"].pk, news["dialogue"].pk, in_lima.pk}
        assert set(events) == {f"activity-{pk}@testserver" for pk in expected}
        assert hidden.pk not in expected and elsewhere.pk not in expected
        summary = str(events[f"activity-{in_lima.pk}@testserver"]["SUMMARY"])
        assert summary == f"{getattr(in_lima, f'title_{language}')} · {getattr(lima, f'name_{language}')}"

    def test_an_unpublished_or_unknown_group_or_country_has_no_calendar(self, client, cusco, lima):
        cusco.status = "draft"
        cusco.save()
        assert client.get(address("opendata:group_calendar", "es", **GROUP)).status_code == 404
        assert (
            client.get(address("opendata:group_calendar", "en", country_slug="peru", slug="x")).status_code
            == 404
        )
        assert client.get(address("opendata:country_calendar", "es", slug="peru")).status_code == 200
        lima.status = "draft"
        lima.save()  # Peru has no published group left
        assert client.get(address("opendata:country_calendar", "es", slug="peru")).status_code == 404
        assert client.get(address("opendata:country_calendar", "en", slug="atlantis")).status_code == 404

    def test_the_size_is_bounded(self, client, cusco, monkeypatch):
        monkeypatch.setattr("opendata.calendars.CALENDAR_LENGTH", 5)
        for day in range(8):
            factories.make_activity(
                group=cusco, start_date=datetime.date(2024, 1, 1) + datetime.timedelta(day)
            )
        parsed = calendar(client, address("opendata:group_calendar", "en", **GROUP))
        starts = sorted(event["DTSTART"].dt for event in parsed.walk("VEVENT"))
        assert starts == [datetime.date(2024, 1, 1) + datetime.timedelta(day) for day in range(3, 8)]


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("opendata:group_feed", GROUP),
        ("opendata:group_calendar", GROUP),
        ("opendata:country_calendar", {"slug": "peru"}),
    ],
)
def test_the_query_count_does_not_grow_with_the_activities(
    client, cusco, lima, name, kwargs, django_assert_max_num_queries
):
    factories.make_activity(group=cusco, start_date=datetime.date(2024, 1, 1))
    factories.make_document(groups=[cusco])
    path = address(name, "en", **kwargs)
    with CaptureQueriesContext(connection) as few:
        small = client.get(path)
    assert small.status_code == 200
    for day in range(1, 26):
        for group in (cusco, lima):
            factories.make_activity(
                group=group, start_date=datetime.date(2024, 1, 1) + datetime.timedelta(day)
            )
        factories.make_document(groups=[cusco], publisher=factories.make_organization())
    with django_assert_max_num_queries(len(few)):
        large = client.get(path)
    assert len(items(large)) > len(items(small))  # rendered afresh, not the first answer kept in a cache


def items(response):
    """The entries of an Atom feed, or the events of a calendar."""
    if response["Content-Type"].startswith("text/calendar"):
        return Calendar.from_ical(response.content).walk("VEVENT")
    return feedparser.parse(response.content).entries


class LinksInHead(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_head = False
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head:
            self.links.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def atom_links(page):
    parser = LinksInHead()
    parser.feed(page.content.decode())
    return [link for link in parser.links if link.get("type") == "application/atom+xml"]


class TestAdvertised:
    @pytest.mark.parametrize("language", ["es", "en"])
    def test_the_group_page_head_links_its_feed_which_works(self, client, cusco, news, language):
        page = client.get(address("groups:detail", language, **GROUP))
        [link] = atom_links(page)
        assert link["rel"] == "alternate" and link["title"]
        assert link["href"] == address("opendata:group_feed", language, **GROUP)
        parsed = feedparser.parse(client.get(link["href"]).content)
        assert parsed.feed.language == language and parsed.entries

    @pytest.mark.parametrize("language", ["es", "en"])
    def test_the_group_and_country_pages_offer_to_subscribe(self, client, news, language):
        group_page = client.get(address("groups:detail", language, **GROUP)).content.decode()
        country_page = client.get(address("groups:country", language, slug="peru")).content.decode()
        subscribe = "Suscribirse" if language == "es" else "Subscribe"
        assert subscribe in group_page and subscribe in country_page
        group_calendar = address("opendata:group_calendar", language, **GROUP)
        country_calendar = address("opendata:country_calendar", language, slug="peru")
        assert f'href="{group_calendar}"' in group_page
        assert f'href="{address("opendata:group_feed", language, **GROUP)}"' in group_page
        assert f'href="{country_calendar}"' in country_page
        assert events_by_uid(calendar(client, group_calendar)) and events_by_uid(
            calendar(client, country_calendar)
        )

    def test_a_draft_previewed_by_staff_advertises_no_feed(self, superuser_client, cusco):
        cusco.status = "draft"
        cusco.save()
        page = superuser_client.get(address("groups:detail", "en", **GROUP))
        assert page.status_code == 200
        assert atom_links(page) == []
        assert address("opendata:group_calendar", "en", **GROUP) not in page.content.decode()
