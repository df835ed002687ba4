"""The secretariat sees how complete the translations are, drawn per kind of record and language."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/translations/"


def row(page, label):
    return re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", page, re.S).group(1)


def test_shows_the_share_written_in_each_language_and_what_waits(client):
    group = factories.make_group(vision_es="Visión en español", vision_en="")
    factories.make_group(vision_es="Otra visión", vision_en="Another vision")
    client.force_login(factories.make_secretariat_user())
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    groups = row(page, "Working groups")
    spanish, english = re.findall(r'aria-label="(\d+)% written"', groups)
    assert spanish == "100" and int(english) < 100
    assert f'href="/admin/groups/workinggroup/{group.pk}/change/"' in groups
    assert re.search(r'<rect class="translation-bar-fill translation-bar-partial"[^>]*width="\d+"', groups)


def test_spanish_staff_read_it_in_spanish(client):
    factories.make_group()
    client.force_login(factories.make_secretariat_user())
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "¿Qué tan completas están las traducciones?" in page and "escrito" in page


def test_costs_a_few_queries_per_kind_of_record_not_per_record(client, django_assert_max_num_queries):
    for _number in range(30):
        factories.make_group(vision_en="")
    client.force_login(factories.make_superuser())
    with django_assert_max_num_queries(35):
        assert client.get(URL).status_code == 200


def test_coordinators_and_visitors_are_refused(client):
    group = factories.make_group()
    client.force_login(factories.make_coordinator(groups=[group]))
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the admin login
