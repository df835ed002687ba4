"""Two staff members save the same page: the second is told who changed what and when, and loses nothing."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from groups.models import Objective, WorkingGroup
from tests import factories
from tests.admin_pages import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def cusco():
    group = factories.make_group(slug="cusco", vision_es="Visión original.", location_es="Cusco")
    factories.make_objective(group=group, text_es="Objetivo original.")
    return group


def post(client, url, fields):
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")


def signed_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def open_page(client, group):
    url = f"/admin/groups/workinggroup/{group.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    return url, form_fields(response.content.decode(), "workinggroup_form")


def edited(fields, **changes):
    return [(name, changes.get(name, value)) for name, value in fields]


def errors_of(response):
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


@pytest.mark.parametrize("first_role", ["secretariat", "coordinator"])
def test_the_second_save_is_refused_naming_who_changed_what_and_keeps_what_was_typed(cusco, first_role):
    secretariat = factories.make_secretariat_user(username="ana", first_name="Ana", last_name="Quispe")
    coordinator = factories.make_coordinator(
        groups=[cusco], username="luis", first_name="Luis", last_name="Huamán"
    )
    first, second = (secretariat, coordinator) if first_role == "secretariat" else (coordinator, secretariat)
    first_client, second_client = signed_in(first), signed_in(second)
    url, first_form = open_page(first_client, cusco)
    _url, second_form = open_page(second_client, cusco)

    saved = post(first_client, url, edited(first_form, vision_es="Visión de la primera persona."))
    assert saved.status_code == 302, errors_of(saved)

    typed = "Dirección escrita por la segunda persona."
    refused = post(second_client, url, edited(second_form, location_es=typed))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert first.get_full_name() in page and "after you opened it" in page and "Vision" in page
    assert "Your changes were not saved" in page and f"/admin/groups/workinggroup/{cusco.pk}/history/" in page
    assert typed in page  # what they typed is still in the form
    cusco.refresh_from_db()
    assert cusco.vision_es == "Visión de la primera persona." and cusco.location_es == "Cusco"

    # Saving again, on purpose, puts the second version over the first.
    again = post(second_client, url, form_fields(page, "workinggroup_form"))
    assert again.status_code == 302, errors_of(again)
    cusco.refresh_from_db()
    assert cusco.location_es == typed and cusco.vision_es == "Visión original."


def test_a_colleagues_change_to_an_inline_row_is_noticed_and_named(cusco):
    first, second = (
        signed_in(factories.make_superuser()),
        signed_in(factories.make_superuser(), language="es"),
    )
    url, first_form = open_page(first, cusco)
    _url, second_form = open_page(second, cusco)
    objective = cusco.objectives.get()
    changed = [
        (name, "Objetivo cambiado." if value.strip() == "Objetivo original." else value)
        for name, value in first_form
    ]
    assert post(first, url, changed).status_code == 302
    refused = post(second, url, edited(second_form, vision_es="Otra visión."))
    page = refused.content.decode()
    assert refused.status_code == 200 and "después de que usted la abriera" in page
    assert "Objetivos (1 cambiado)" in page, re.findall(r"errorlist nonfield\"\>(.*?)</ul>", page, re.S)
    objective.refresh_from_db()
    assert (
        objective.text_es == "Objetivo cambiado."
        and WorkingGroup.objects.get().vision_es == "Visión original."
    )


def test_a_form_shown_again_for_a_mistake_still_notices_a_colleagues_save(cusco):
    first, second = signed_in(factories.make_superuser()), signed_in(factories.make_superuser())
    url, first_form = open_page(first, cusco)
    _url, second_form = open_page(second, cusco)
    mistake = post(first, url, edited(first_form, name_es=""))
    assert mistake.status_code == 200 and errors_of(mistake)
    assert post(second, url, edited(second_form, vision_es="Guardado mientras tanto.")).status_code == 302
    fixed = form_fields(mistake.content.decode(), "workinggroup_form")
    refused = post(first, url, edited(fixed, name_es="Grupo de Cusco"))
    assert refused.status_code == 200 and "after you opened it" in refused.content.decode()
    assert WorkingGroup.objects.get().vision_es == "Guardado mientras tanto."


def test_saving_without_a_colleague_in_between_just_saves(cusco):
    client = signed_in(factories.make_superuser())
    url, form = open_page(client, cusco)
    assert post(client, url, edited(form, vision_es="Una.")).status_code == 302
    url, form = open_page(client, cusco)
    assert post(client, url, edited(form, vision_es="Dos.")).status_code == 302
    assert WorkingGroup.objects.get().vision_es == "Dos." and Objective.objects.count() == 1


def test_every_admin_change_page_checks_for_a_colleagues_save():
    from django.contrib import admin

    from icwg_portal.edit_conflicts import EditConflictAdminMixin

    unchecked = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        # django-axes' sign-in records are written by the sign-in checks, not edited by staff.
        if not isinstance(model_admin, EditConflictAdminMixin) and model._meta.app_label != "axes"
    ]
    assert unchecked == []
