"""The back office for countries, working groups and what hangs from them, as staff use it."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, Image

from contacts.models import Contact
from groups.models import Activity, Country, Membership, Objective, Organization, WorkingGroup
from tests import factories
from tests.admin_pages import changelist_rows

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/groups/workinggroup/add/"
INLINE_PREFIXES = ["objectives", "activities", "memberships", "contacts"]


def change_url(group):
    return f"/admin/groups/workinggroup/{group.pk}/change/"


def html(response):
    return response.content.decode()


@pytest.fixture
def editor_client():
    """A staff member who is not a superuser, holding the permissions to maintain groups."""
    client = Client()
    client.force_login(factories.make_staff_user(factories.GROUP_EDITOR_PERMISSIONS))
    return client


@pytest.fixture(params=["superuser", "editor"])
def staff_client(request):
    return request.getfixturevalue(f"{request.param}_client")


@pytest.fixture
def peru():
    return factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")


def management_data(page, rows):
    """Management-form data for every inline the page shows, with ``rows`` ({prefix: [row, …]}) filled in.

    The prefixes come from the page itself, so a renamed or added inline cannot be silently left out.
    """
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        posted = rows.get(formset.prefix, [])
        initial = formset.management_form.initial
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": initial["INITIAL_FORMS"] + len(posted),
                f"{formset.prefix}-INITIAL_FORMS": initial["INITIAL_FORMS"],
                f"{formset.prefix}-MIN_NUM_FORMS": initial["MIN_NUM_FORMS"],
                f"{formset.prefix}-MAX_NUM_FORMS": initial["MAX_NUM_FORMS"],
            }
        )
        for index, row in enumerate(posted, start=initial["INITIAL_FORMS"]):
            data.update({f"{formset.prefix}-{index}-{name}": value for name, value in row.items()})
    unknown = set(rows) - {inline.formset.prefix for inline in page.context["inline_admin_formsets"]}
    assert not unknown, f"rows posted for inlines the page does not have: {unknown}"
    return data


def group_fields(country, **fields):
    return {
        "country": country.pk,
        "name_es": "Grupo de Trabajo de los Principios Voluntarios de Cusco",
        "name_en": "Cusco Partner In-Country Working Group",
        "acronym": "",
        "slug": "cusco",
        "location_es": "Cusco",
        "location_en": "Cusco",
        "kind": WorkingGroup.Kind.PARTNER,
        "status": "draft",
        "order": "0",
        "year_founded": "2011",
        "vision_es": "Seguridad con respeto a los derechos humanos.",
        "vision_en": "Security that respects human rights.",
        **fields,
    }


def add_group(client, country, rows=None, language=None, **fields):
    """Open the add page as a staff member would, then post the form with ``rows`` in the inlines."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    page = client.get(ADD_URL, **headers)
    assert page.status_code == 200
    data = {**group_fields(country, **fields), **management_data(page, rows or {})}
    return client.post(ADD_URL, data, **headers)


def error_messages(response):
    """Every error message the page shows: the main form's, each inline row's and each inline's own."""
    assert response.status_code == 200, "expected the form again, with its errors"
    messages = [str(e) for errors in response.context["adminform"].form.errors.values() for e in errors]
    for inline in response.context["inline_admin_formsets"]:
        for form_errors in inline.formset.errors:
            messages += [str(e) for errors in form_errors.values() for e in errors]
        messages += [str(e) for e in inline.formset.non_form_errors()]
    return messages


def translated(message, language):
    """``message`` as the portal's catalogue gives it in ``language``: in Spanish, it must be translated."""
    with translation.override(language):
        text = translation.gettext(message)
    assert language == "en" or text != message, f"no {language} translation for {message!r}"
    return text


def nothing_saved():
    return not (
        WorkingGroup.objects.exists()
        or Objective.objects.exists()
        or Activity.objects.exists()
        or Membership.objects.exists()
        or Contact.objects.exists()
    )


class TestAddingAGroup:
    def test_the_add_page_offers_objectives_activities_memberships_and_contacts(self, superuser_client):
        page = superuser_client.get(ADD_URL)
        assert [inline.formset.prefix for inline in page.context["inline_admin_formsets"]] == INLINE_PREFIXES
        for prefix in INLINE_PREFIXES:
            assert f'name="{prefix}-TOTAL_FORMS"' in html(page)

    def test_staff_member_adds_a_group_with_its_objectives_in_both_languages(self, staff_client, peru):
        pillar = factories.make_pillar(name_es="Sociedad civil", name_en="Civil society")
        ngo = factories.make_organization(name_es="Asociación Guaman Poma de Ayala", acronym="GPA")
        objectives = [
            {"text_es": "Promover el diálogo.", "text_en": "Promote dialogue.", "order": ""},
            {"text_es": "Difundir los Principios.", "text_en": "Disseminate the Principles.", "order": ""},
            {"text_es": "Fortalecer capacidades.", "text_en": "Build capacity.", "order": ""},
        ]
        activity = {
            "title_es": "Taller en Espinar",
            "title_en": "Workshop in Espinar",
            "kind": Activity.Kind.TRAINING,
            "start_date": "2019-05-02",
            "end_date": "2019-05-03",
            "description_es": "",
            "description_en": "",
            "order": "",
        }
        membership = {"organization": ngo.pk, "pillar": pillar.pk, "role": "member", "is_public": "on"}
        contact = {
            "person": "Ana Quispe",
            "role": "coordinator",
            "emails": "ana@example.org",
            "is_public": "on",
        }

        response = add_group(
            staff_client,
            peru,
            rows={
                "objectives": objectives,
                "activities": [activity],
                "memberships": [membership],
                "contacts": [contact],
            },
        )

        assert response.status_code == 302, error_messages(response)
        assert response["Location"] == "/admin/groups/workinggroup/"
        group = WorkingGroup.objects.get()
        assert (group.name_es, group.name_en) == (
            "Grupo de Trabajo de los Principios Voluntarios de Cusco",
            "Cusco Partner In-Country Working Group",
        )
        assert (group.vision_es, group.vision_en) == (
            "Seguridad con respeto a los derechos humanos.",
            "Security that respects human rights.",
        )
        assert [(o.text_es, o.text_en) for o in group.objectives.all()] == [
            ("Promover el diálogo.", "Promote dialogue."),
            ("Difundir los Principios.", "Disseminate the Principles."),
            ("Fortalecer capacidades.", "Build capacity."),
        ]
        assert [(a.title_es, a.title_en) for a in group.activities.all()] == [
            ("Taller en Espinar", "Workshop in Espinar")
        ]
        assert [(m.organization, m.pillar, m.role) for m in group.memberships.all()] == [
            (ngo, pillar, "member")
        ]
        assert [(c.person, c.email_list) for c in group.contacts.all()] == [
            ("Ana Quispe", ["ana@example.org"])
        ]

    def test_objectives_keep_the_order_they_were_posted_in(self, superuser_client, peru):
        texts = ["Tercero", "Primero", "Segundo"]
        rows = [{"text_es": text, "text_en": "", "order": ""} for text in texts]
        response = add_group(superuser_client, peru, rows={"objectives": rows})
        assert response.status_code == 302, error_messages(response)
        assert [o.text_es for o in WorkingGroup.objects.get().objectives.all()] == texts

    def test_reordering_objectives_on_the_change_page_is_saved(self, superuser_client):
        group = factories.make_group()
        first, second, third = (factories.make_objective(group=group, order=n) for n in (1, 2, 3))
        page = superuser_client.get(change_url(group))
        data = {**group_fields(group.country, slug=group.slug), **management_data(page, {})}
        # What the drag-and-drop leaves in the rows' hidden order fields: third, first, second.
        for index, (objective, order) in enumerate([(first, 2), (second, 3), (third, 1)]):
            data.update(
                {
                    f"objectives-{index}-id": objective.pk,
                    f"objectives-{index}-group": group.pk,
                    f"objectives-{index}-text_es": objective.text_es,
                    f"objectives-{index}-text_en": objective.text_en,
                    f"objectives-{index}-order": order,
                }
            )
        response = superuser_client.post(change_url(group), data)
        assert response.status_code == 302, error_messages(response)
        assert list(group.objectives.all()) == [third, first, second]


class TestValidation:
    @pytest.mark.parametrize("how", ["cookie", "accept-language"])
    def test_a_missing_spanish_name_is_reported_in_spanish_to_a_spanish_speaking_admin(
        self, superuser_client, peru, how
    ):
        if how == "cookie":
            superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
            response = add_group(superuser_client, peru, name_es="")
        else:
            response = add_group(superuser_client, peru, name_es="", language="es")

        assert response.context["adminform"].form.errors["name_es"] == ["Este campo es obligatorio."]
        assert '<html lang="es"' in html(response)
        assert "Por favor, corrija el siguiente error." in html(response)
        assert nothing_saved()

    def test_the_same_error_in_english_for_an_english_speaking_admin(self, superuser_client, peru):
        response = add_group(superuser_client, peru, name_es="", language="en")
        assert response.context["adminform"].form.errors["name_es"] == ["This field is required."]
        assert nothing_saved()

    @pytest.mark.parametrize("language", ["en", "es"])
    def test_a_member_without_a_pillar_is_refused_with_the_constraints_message(
        self, superuser_client, peru, language
    ):
        ngo = factories.make_organization()
        response = add_group(
            superuser_client,
            peru,
            language=language,
            rows={
                "memberships": [{"organization": ngo.pk, "pillar": "", "role": "member", "is_public": "on"}]
            },
        )
        message = translated("Choose a pillar: only observers stand outside the pillars.", language)
        assert message in error_messages(response)
        assert message in html(response)
        assert nothing_saved()

    def test_an_observer_needs_no_pillar(self, superuser_client, peru):
        embassy = factories.make_organization(kind=Organization.Kind.EMBASSY)
        response = add_group(
            superuser_client,
            peru,
            rows={"memberships": [{"organization": embassy.pk, "pillar": "", "role": "observer"}]},
        )
        assert response.status_code == 302, error_messages(response)
        assert Membership.objects.get().is_observer

    @pytest.mark.parametrize("language", ["en", "es"])
    def test_a_contact_with_an_invalid_address_is_refused(self, superuser_client, peru, language):
        contact = {"person": "Ana Quispe", "role": "contact", "emails": "ana@example.org; ana(at)example"}
        response = add_group(superuser_client, peru, language=language, rows={"contacts": [contact]})
        message = translated("These are not valid email addresses: %(addresses)s", language)
        assert message % {"addresses": "ana(at)example"} in error_messages(response)
        assert nothing_saved()


# --- Query counts ------------------------------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def one_group_with_relations(number):
    group = factories.make_group()
    factories.make_membership(group=group)
    factories.make_activity(group=group)
    return group


def one_membership(number):
    return factories.make_membership(role="observer" if number % 5 == 0 else "member")


def one_country_with_groups(number):
    country = factories.make_country()
    factories.make_group(country=country)
    factories.make_group(country=country)
    return country


def one_organization_with_memberships(number):
    organization = factories.make_organization()
    factories.make_membership(organization=organization)
    factories.make_membership(organization=organization, role="observer")
    return organization


def one_pillar_with_memberships(number):
    pillar = factories.make_pillar()
    factories.make_membership(pillar=pillar)
    return pillar


def one_activity(number):
    return factories.make_activity(start_date=f"2020-01-{number % 28 + 1:02d}")


CHANGE_LISTS = {
    "workinggroup": one_group_with_relations,
    "country": one_country_with_groups,
    "organization": one_organization_with_memberships,
    "pillar": one_pillar_with_memberships,
    "activity": one_activity,
    "membership": one_membership,
}
MAX_CHANGE_LIST_QUERIES = 10


@pytest.mark.parametrize("model_name", CHANGE_LISTS)
def test_a_change_list_runs_the_same_few_queries_however_many_rows(
    superuser_client, model_name, django_assert_max_num_queries
):
    url = f"/admin/groups/{model_name}/"
    make_row = CHANGE_LISTS[model_name]
    for number in range(3):
        make_row(number)
    few_rows, _ = queries_for(superuser_client, url)
    for number in range(3, 36):
        make_row(number)

    with django_assert_max_num_queries(MAX_CHANGE_LIST_QUERIES):
        response = superuser_client.get(url)
    assert response.context["cl"].result_count == 36
    many_rows, _ = queries_for(superuser_client, url)
    assert many_rows == few_rows


def fill_group(group, rows):
    pillar = factories.make_pillar()
    for _ in range(rows):
        organization = factories.make_organization()
        document = factories.make_document(groups=[group])
        factories.make_objective(group=group)
        factories.make_activity(group=group).documents.add(document)
        factories.make_membership(group=group, organization=organization, pillar=pillar)
        factories.make_contact(group=group, organization=organization)


def test_the_group_change_page_runs_the_same_few_queries_however_many_inline_rows(
    superuser_client, django_assert_max_num_queries
):
    small, large = factories.make_group(), factories.make_group()
    fill_group(small, 2)
    fill_group(large, 30)
    queries_for(superuser_client, change_url(small))  # content types and the like, cached from then on

    small_count, _ = queries_for(superuser_client, change_url(small))
    # Two of them for the coordinators field: the group's coordinators, and the staff to choose from.
    with django_assert_max_num_queries(12):
        response = superuser_client.get(change_url(large))
    large_count, _ = queries_for(superuser_client, change_url(large))
    assert large_count == small_count

    # The rows still show what they hold: organizations of memberships and contacts, documents of activities.
    page = html(response)
    for membership in large.memberships.all():
        assert (
            f'<option value="{membership.organization_id}" selected>{membership.organization}</option>'
            in page
        )
    for activity in large.activities.all():
        document = activity.documents.get()
        assert f'<option value="{document.pk}" selected>{document}</option>' in page


def test_a_membership_rows_organization_and_pillar_are_searched_as_the_staff_member_types(editor_client):
    civil_society = factories.make_pillar(name_es="Sociedad civil", name_en="Civil society")
    factories.make_pillar(name_es="Empresas", name_en="Companies")
    ngo = factories.make_organization(name_es="Asociación Guaman Poma de Ayala", acronym="GPA")
    factories.make_organization(name_es="Minera Antapaccay")

    def suggestions(field_name, term):
        response = editor_client.get(
            "/admin/autocomplete/",
            {"app_label": "groups", "model_name": "membership", "field_name": field_name, "term": term},
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    assert suggestions("pillar", "civil") == [str(civil_society)]
    assert suggestions("organization", "Guaman") == [str(ngo)]


# --- Who may enter -----------------------------------------------------------------------------------------


ADMIN_PAGES = ["/admin/", "/admin/groups/workinggroup/", ADD_URL]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_a_signed_in_user_who_is_not_staff_cannot_reach_the_admin(client, url):
    factories.make_group()
    client.force_login(factories.make_user())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    login_page = client.get(response["Location"])
    assert "You are authenticated as" in html(login_page)  # "…but are not authorized to access this page"


def test_a_user_who_is_not_staff_cannot_add_a_group(client, peru):
    client.force_login(factories.make_user())
    response = client.post(ADD_URL, group_fields(peru))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert nothing_saved()


def test_staff_without_permission_for_groups_is_refused(client):
    client.force_login(factories.make_staff_user())
    assert client.get("/admin/groups/workinggroup/").status_code == 403
    assert client.get(ADD_URL).status_code == 403


# --- Search, filters, view on site -------------------------------------------------------------------------


class TestSearch:
    def test_groups_are_found_by_spanish_name_english_name_and_city(self, superuser_client):
        cusco = factories.make_group(
            name_es="Grupo de Trabajo de Cusco", name_en="Cusco Working Group", location_es="Cusco"
        )
        factories.make_group(name_es="Grupo de Trabajo de Lima", name_en="Lima Working Group")
        for query in ("Trabajo de Cusco", "Cusco Working", "cusco"):
            response = superuser_client.get("/admin/groups/workinggroup/", {"q": query})
            assert changelist_rows(response) == [cusco], query

    @pytest.mark.parametrize(
        ("model_name", "make", "query"),
        [
            (
                "country",
                lambda: factories.make_country(name_es="Perú", name_en="Peru", iso_code="PE"),
                "Perú",
            ),
            ("country", lambda: factories.make_country(iso_code="QZ"), "QZ"),
            ("organization", lambda: factories.make_organization(name_es="Defensoría", acronym="DP"), "DP"),
            ("pillar", lambda: factories.make_pillar(name_es="Empresas", name_en="Companies"), "Companies"),
            ("activity", lambda: factories.make_activity(title_es="Taller en Espinar"), "Espinar"),
            (
                "membership",
                lambda: factories.make_membership(
                    organization=factories.make_organization(name_es="Minera Antapaccay")
                ),
                "Antapaccay",
            ),
        ],
    )
    def test_each_model_is_found_by_its_search(self, superuser_client, model_name, make, query):
        wanted = make()
        for _ in range(2):
            factories.make_membership()  # other countries, organizations, pillars, memberships
            factories.make_activity()
        response = superuser_client.get(f"/admin/groups/{model_name}/", {"q": query})
        assert changelist_rows(response) == [wanted]


class TestFilters:
    def test_groups_by_country_status_and_pillar(self, superuser_client, peru):
        civil_society = factories.make_pillar()
        cusco = factories.make_group(country=peru, status="published")
        lima = factories.make_group(country=peru, status="draft")
        bogota = factories.make_group(status="published")
        factories.make_membership(group=cusco, pillar=civil_society)
        factories.make_membership(
            group=cusco, pillar=civil_society
        )  # two rows: the group is still listed once
        factories.make_membership(group=bogota)

        def filtered(**params):
            response = superuser_client.get("/admin/groups/workinggroup/", params)
            return set(changelist_rows(response))

        assert filtered(country__id__exact=peru.pk) == {cusco, lima}
        assert filtered(status__exact="draft") == {lima}
        assert filtered(country__id__exact=peru.pk, status__exact="published") == {cusco}
        response = superuser_client.get(
            "/admin/groups/workinggroup/", {"memberships__pillar__id__exact": civil_society.pk}
        )
        assert changelist_rows(response) == [cusco]

    def test_memberships_by_pillar_and_role(self, superuser_client):
        companies = factories.make_pillar()
        member = factories.make_membership(pillar=companies)
        observer = factories.make_membership(role="observer")
        factories.make_membership()
        response = superuser_client.get("/admin/groups/membership/", {"pillar__id__exact": companies.pk})
        assert changelist_rows(response) == [member]
        response = superuser_client.get("/admin/groups/membership/", {"role__exact": "observer"})
        assert changelist_rows(response) == [observer]

    def test_organizations_and_activities_by_country(self, superuser_client, peru):
        group = factories.make_group(country=peru)
        in_peru = factories.make_membership(group=group).organization
        factories.make_membership()
        activity = factories.make_activity(group=group)
        factories.make_activity()
        response = superuser_client.get(
            "/admin/groups/organization/", {"memberships__group__country__id__exact": peru.pk}
        )
        assert changelist_rows(response) == [in_peru]
        response = superuser_client.get("/admin/groups/activity/", {"group__country__id__exact": peru.pk})
        assert changelist_rows(response) == [activity]

    def test_countries_by_vpi_status(self, superuser_client):
        member = factories.make_country(vpi_status=Country.VPIStatus.FULL_MEMBER)
        factories.make_country(vpi_status=Country.VPIStatus.ENGAGED)
        response = superuser_client.get("/admin/groups/country/", {"vpi_status__exact": "full_member"})
        assert changelist_rows(response) == [member]


def test_every_model_of_the_portal_is_in_the_admin(superuser_client):
    index = html(superuser_client.get("/admin/"))
    for url in [
        "/admin/groups/workinggroup/",
        "/admin/groups/country/",
        "/admin/groups/organization/",
        "/admin/groups/pillar/",
        "/admin/groups/activity/",
        "/admin/groups/membership/",
        "/admin/documents/document/",
        "/admin/documents/documenttype/",
        "/admin/contacts/contact/",
    ]:
        assert f'href="{url}"' in index
        assert superuser_client.get(url).status_code == 200
        assert superuser_client.get(f"{url}add/").status_code == 200


def test_the_group_page_links_to_the_group_on_the_public_site(superuser_client, peru):
    cusco = factories.make_group(country=peru, slug="cusco")
    content_type = ContentType.objects.get_for_model(WorkingGroup)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, cusco.pk])
    page = superuser_client.get(change_url(cusco))
    assert f'href="{view_on_site}"' in html(page)

    response = superuser_client.get(view_on_site)
    assert response.status_code == 302
    with translation.override("en"):
        assert urlsplit(response["Location"]).path == cusco.get_absolute_url() == "/en/countries/peru/cusco/"


# --- Images ------------------------------------------------------------------------------------------------


def camera_photo(width=3000, height=2000):
    """A JPEG as a phone writes it: large, with the camera's make and the place it was taken."""
    image = Image.new("RGB", (width, height), (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Model X"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 31.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (71.0, 58.0, 4.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"Taken at the Espinar meeting", quality=90)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo has GPS data"
    return data


class TestImages:
    def test_an_uploaded_photo_is_stored_smaller_and_without_its_metadata(self, superuser_client, peru):
        photo = SimpleUploadedFile("cusco.jpg", camera_photo(), content_type="image/jpeg")
        response = add_group(superuser_client, peru, image=photo, image_alt_es="Reunión en Cusco")
        assert response.status_code == 302, error_messages(response)

        stored = WorkingGroup.objects.get().image
        assert stored.name.startswith("groups/") and stored.name.endswith(".jpg")
        data = stored.read()
        with Image.open(io.BytesIO(data)) as image:
            assert max(image.size) <= settings.IMAGE_MAX_SIDE
            assert image.size == (settings.IMAGE_MAX_SIDE, round(settings.IMAGE_MAX_SIDE * 2000 / 3000))
            assert not image.getexif()
            assert "exif" not in image.info and "comment" not in image.info
        for secret in (b"PhoneMaker", b"Model X", b"Espinar meeting"):
            assert secret not in data

    def test_a_file_that_is_not_an_image_is_refused(self, superuser_client, peru):
        fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.7 not a picture at all", content_type="image/jpeg")
        response = add_group(superuser_client, peru, image=fake)
        assert response.context["adminform"].form.errors["image"] == [
            "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
        ]
        assert nothing_saved()
        assert not (settings.MEDIA_ROOT / "groups").exists()

    def test_a_damaged_photo_is_refused_with_a_message_not_a_server_error(self, superuser_client, peru):
        data = camera_photo(1200, 800)
        damaged = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")
        response = add_group(superuser_client, peru, image=damaged)
        assert response.context["adminform"].form.errors["image"] == [
            "This image could not be read: the file may be damaged or incomplete. Please upload it again."
        ]
        assert nothing_saved()

    def test_a_photo_over_the_upload_limit_is_refused_before_it_is_shrunk(
        self, superuser_client, peru, settings
    ):
        data = camera_photo()
        settings.IMAGE_MAX_UPLOAD_BYTES = len(data) - 1
        photo = SimpleUploadedFile("big.jpg", data, content_type="image/jpeg")
        response = add_group(superuser_client, peru, image=photo)
        [message] = response.context["adminform"].form.errors["image"]
        assert message.startswith("This image is ") and "Please upload a smaller image." in message
        assert nothing_saved()


# --- What the admin pages load -----------------------------------------------------------------------------


def static_path(url):
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    assert url.startswith(static_prefix), f"{url} is not under STATIC_URL"
    return url.removeprefix(static_prefix)


def test_the_language_tabs_jquery_ui_is_one_of_our_own_static_files(superuser_client):
    page = html(superuser_client.get(change_url(factories.make_group())))
    [jquery_ui] = re.findall(r'<script src="([^"]*jquery-ui[^"]*)"', page)
    assert finders.find(static_path(jquery_ui)), (
        f"the page loads {jquery_ui}, which is not in the static files: JQUERY_UI_URL should be a path "
        "relative to STATIC_URL (vendor/jquery-ui/jquery-ui.min.js), which the admin's Media resolves"
    )
    assert "tabbed_translation_fields.js" in page


ADMIN_OBJECTS = {
    "groups/workinggroup": lambda: factories.make_group(),
    "groups/country": lambda: factories.make_country(),
    "groups/organization": lambda: factories.make_organization(),
    "groups/pillar": lambda: factories.make_pillar(),
    "groups/activity": lambda: factories.make_activity(),
    "groups/membership": lambda: factories.make_membership(),
    "documents/document": lambda: factories.make_document(),
    "documents/documenttype": lambda: factories.make_document_type(),
    "contacts/contact": lambda: factories.make_contact(),
}


@pytest.mark.parametrize("model", ADMIN_OBJECTS)
def test_admin_pages_load_only_our_own_files(superuser_client, model):
    obj = ADMIN_OBJECTS[model]()
    base = f"/admin/{model}/"
    for url in (base, f"{base}add/", f"{base}{obj.pk}/change/"):
        page = html(superuser_client.get(url))
        # What the page loads or posts to; links a staff member may follow (a document's URL) are fine.
        external = re.findall(
            r'<(?:script|link|img|iframe|source|form)[^>]+(?:src|href|action)="((?:https?:)?//[^"]*)"', page
        )
        assert external == [], url
        for asset in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', page):
            if asset.startswith("/admin/"):
                continue  # the admin's own views (jsi18n)
            assert finders.find(static_path(asset)), f"{url} loads {asset}, which is not a static file"


def test_staff_switch_the_back_office_language_from_any_page(superuser_client):
    spanish = html(superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "Portal de los Grupos de Trabajo — administración" in spanish
    assert 'name="language" value="en"' in spanish
    switched = superuser_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302 and switched["Location"] == "/admin/"
    english = html(superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "ICWG Portal — back office" in english and 'name="language" value="es"' in english
