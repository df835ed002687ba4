"""The back office for the groups' contacts."""

import pytest

from contacts.models import Contact
from tests import factories
from tests.admin_pages import changelist_rows, count_queries

pytestmark = pytest.mark.django_db

URL = "/admin/contacts/contact/"


def one_contact(number):
    return factories.make_contact(
        organization=factories.make_organization(),
        emails=f"persona{number}@example.org, oficina{number}@example.org",
    )


def test_the_change_list_runs_the_same_few_queries_however_many_rows(
    superuser_client, django_assert_max_num_queries
):
    for number in range(3):
        one_contact(number)
    few_rows = count_queries(superuser_client, URL)
    for number in range(3, 36):
        one_contact(number)

    with django_assert_max_num_queries(10):
        response = superuser_client.get(URL)
    assert response.context["cl"].result_count == 36
    assert "persona35@example.org, oficina35@example.org" in response.content.decode()
    assert count_queries(superuser_client, URL) == few_rows


def contact_form(group, **fields):
    return {
        "group": group.pk,
        "person": "Ana Quispe",
        "role": "coordinator",
        "is_public": "on",
        "order": 0,
        **fields,
    }


def test_staff_member_adds_a_contact_with_several_addresses(superuser_client):
    group = factories.make_group()
    response = superuser_client.post(
        f"{URL}add/", contact_form(group, emails="ana@example.org;\nsecretaria@example.org")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Contact.objects.get().email_list == ["ana@example.org", "secretaria@example.org"]


@pytest.mark.parametrize(
    ("emails", "message"),
    [
        (
            "ana@example.org, ana(at)example, @example.org",
            "These are not valid email addresses: ana(at)example, @example.org",
        ),
        (" ;, ", "Enter at least one email address."),
    ],
)
def test_a_contact_with_an_invalid_email_list_is_refused(superuser_client, emails, message):
    response = superuser_client.post(f"{URL}add/", contact_form(factories.make_group(), emails=emails))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["emails"] == [message]
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_contacts_are_found_by_name_address_and_organization(superuser_client):
    wanted = factories.make_contact(
        person="Ana Quispe",
        emails="coordinacion@guamanpoma.example",
        organization=factories.make_organization(acronym="GPA"),
    )
    factories.make_contact(person="Luis Mamani")
    for query in ("Quispe", "guamanpoma", "GPA"):
        assert changelist_rows(superuser_client.get(URL, {"q": query})) == [wanted], query


def test_contacts_are_filtered_by_visibility_role_and_country(superuser_client):
    peru = factories.make_country()
    hidden = factories.make_contact(is_public=False, role="secretariat")
    in_peru = factories.make_contact(group=factories.make_group(country=peru))
    assert changelist_rows(superuser_client.get(URL, {"is_public__exact": "0"})) == [hidden]
    assert changelist_rows(superuser_client.get(URL, {"role__exact": "secretariat"})) == [hidden]
    assert changelist_rows(superuser_client.get(URL, {"group__country__id__exact": peru.pk})) == [in_peru]


def test_a_user_who_is_not_staff_cannot_reach_the_contacts(client):
    factories.make_contact()
    client.force_login(factories.make_user())
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
