"""Addresses built without a reverse() per item (icwg_portal/routes.py) and the language alternates of a page
(icwg_portal/context_processors.py): the same as Django's reverse() and translate_url() give."""

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse, set_script_prefix, translate_url
from django.utils import translation

from documents.models import DocumentFile
from icwg_portal.context_processors import language_alternates
from icwg_portal.routes import SlugRoute
from tests.factories import make_document, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/portal/"])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_addresses_are_those_reverse_gives(script_prefix, prefix, language):
    group = make_group(slug="cusco_2")
    country, document = group.country.slug, "informe-anual-2024"
    file = DocumentFile(document=make_document(slug=document, groups=[group]), language="qu")
    script_prefix(prefix)
    with translation.override(language):
        addresses = {
            group.get_absolute_url(): ("groups:detail", {"country_slug": country, "slug": "cusco_2"}),
            group.country.get_absolute_url(): ("groups:country", {"slug": country}),
            file.document.get_absolute_url(): ("documents:detail", {"slug": document}),
            file.get_absolute_url(): ("documents:download", {"slug": document, "language": "qu"}),
        }
        for address, (name, kwargs) in addresses.items():
            assert address == reverse(name, kwargs=kwargs)
            assert address.startswith(f"{prefix}{language}/")


def test_what_is_not_a_slug_is_refused_as_reverse_refuses_it():
    route = SlugRoute("documents:detail")
    for value in ["informe", 5]:  # reverse() takes any value whose text is a slug
        assert route(slug=value) == reverse("documents:detail", kwargs={"slug": value})
    for value in ["dos palabras", "a/b", "{slug}", ""]:
        with pytest.raises(NoReverseMatch):
            route(slug=value)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_alternates_are_the_page_in_each_language(language):
    group = make_group()
    with translation.override(language):
        path = group.get_absolute_url()
        request = RequestFactory().get(path)
        request.resolver_match = resolve(path)
        alternates = language_alternates(request)["language_alternates"]
        expected = [(code, translate_url(path, code)) for code in ("es", "en")]
    assert [(a["code"], a["path"]) for a in alternates] == expected
    assert expected[0][1] != expected[1][1]
    assert alternates[0]["url"] == f"http://testserver{alternates[0]['path']}"


def test_a_page_no_route_has_offers_the_home_page_in_the_other_language():
    with translation.override("es"):
        request = RequestFactory().get("/es/no-existe/")  # resolver_match None, as on a 404
        alternates = language_alternates(request)["language_alternates"]
    assert [(a["code"], a["path"]) for a in alternates] == [("es", "/es/no-existe/"), ("en", "/en/")]
