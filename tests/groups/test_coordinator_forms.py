"""Every choice a back-office page offers a group coordinator is one they may make (groups/permissions.py,
``choosable``), in the page and when posted.

The walk is over ``admin.site._registry`` and each admin's inlines, not a list kept by hand: a new model's
admin, inline or choice field is walked as soon as it exists, and the test fails until the fixture below gives
the coordinator a record of it (so that its change page can be opened) and ``CHOOSABLE`` says what they may
choose of the models it offers. For each page a coordinator can open: it shows none of another group's
confidential names; each choice field, posted with a value outside their scope, is refused with the field's
"Select a valid choice" error and nothing is saved; another group's record answers 404 by GET and POST; each
inline row posted under another group is refused. The autocomplete endpoint is asked for every relation of
every model.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import AdminForm
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import InlineForeignKeyField
from django.test import Client, RequestFactory

from documents.models import Document
from groups.models import Activity, WorkingGroup
from groups.permissions import CHOOSABLE, GroupScopedAdminMixin, ScopedChoicesMixin, choosable
from tests import factories
from tests.documents import samples
from tests.groups.test_roles import form_data

pytestmark = pytest.mark.django_db

LIMA_DRAFT_TITLES = ("Borrador confidencial de Lima", "Lima confidential draft")
LIMA_NAMES = ("Grupo reservado de Lima", "Lima private group")
LIMA_RECORDS = (
    "Taller reservado de Lima",
    "Private Lima workshop",
    "Persona de Lima",
    "Borrador confidencial.pdf",
)
CONFIDENTIAL = (*LIMA_DRAFT_TITLES, *LIMA_NAMES, *LIMA_RECORDS)


class World:
    """Cusco, coordinated by the test's coordinator, and Lima, a draft group with a confidential draft."""

    def __init__(self):
        peru = factories.make_country(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")
        self.cusco = factories.make_group(
            country=peru, name_es="Grupo de Cusco", name_en="Cusco Working Group"
        )
        self.lima = factories.make_group(
            country=peru, name_es=LIMA_NAMES[0], name_en=LIMA_NAMES[1], status="draft"
        )
        self.lima_draft = factories.make_document(
            groups=[self.lima], status="draft", title_es=LIMA_DRAFT_TITLES[0], title_en=LIMA_DRAFT_TITLES[1]
        )
        self.lima_public = factories.make_document(
            groups=[self.lima], title_es="Informe público de Lima", title_en="Lima public report"
        )
        self.cusco_draft = factories.make_document(
            groups=[self.cusco], status="draft", title_es="Borrador de Cusco", title_en="Cusco draft"
        )
        # Shared with Lima: its groups filter must not name Lima.
        self.shared = factories.make_document(groups=[self.cusco, self.lima], title_es="Informe compartido")
        samples.make_document_file(self.cusco_draft)
        samples.make_document_file(self.lima_draft, name="Borrador confidencial.pdf")
        factories.make_objective(group=self.cusco)
        # Linked by the secretariat to Lima's draft, before the coordinator arrived.
        self.activity = factories.make_activity(group=self.cusco, title_es="Taller de Cusco")
        self.activity.documents.set([self.lima_public, self.lima_draft])
        factories.make_membership(group=self.cusco)
        factories.make_contact(group=self.cusco)
        factories.make_objective(group=self.lima)
        factories.make_activity(group=self.lima, title_es=LIMA_RECORDS[0], title_en=LIMA_RECORDS[1])
        factories.make_membership(group=self.lima)
        factories.make_contact(group=self.lima, person=LIMA_RECORDS[2])
        self.coordinator = factories.make_coordinator(groups=[self.cusco])
        self.client = Client()
        self.client.force_login(self.coordinator)

    def request(self):
        request = RequestFactory().get("/admin/")
        request.user = self.coordinator
        return request


@pytest.fixture
def world():
    return World()


def url(model, view=None, pk=None):
    """The admin's address of ``model``'s change list, or of a ``view`` ("add", "change"…) of it."""
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    if view is None:
        return base
    return f"{base}{view}/" if pk is None else f"{base}{pk}/{view}/"


def assert_nothing_confidential(response):
    page = response.content.decode()
    shown = [text for text in CONFIDENTIAL if text in page]
    assert not shown, f"{response.wsgi_request.path} shows {shown}"


def database_state():
    """Every row of the portal's tables and of the history, to tell that nothing was saved."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("groups", "documents", "contacts", "reversion", "auth")
    }


def outside_scope(user, model):
    """A value of ``model`` that ``user`` may not choose: another group's record, or, for the shared lists
    they may choose all of, an id no record has."""
    other = model._default_manager.exclude(pk__in=choosable(user, model).values("pk")).order_by("pk").first()
    if other is not None:
        return other.pk
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def forms_of(response):
    """[(form, inline formset or None)] of a rendered admin page."""
    forms = [(response.context["adminform"].form, None)]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [(form, inline.formset) for form in inline.formset.initial_forms]
    return forms


def choice_fields(form):
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, ModelChoiceField) and not isinstance(field, InlineForeignKeyField)
    }


def error_codes(response, prefix, name):
    for form, _formset in forms_of(response):
        if form.prefix == prefix or (prefix is None and form.prefix is None):
            return [error.code for error in form.errors.as_data().get(name, [])]
    raise AssertionError(f"no form {prefix} in the page")


def open_pages(world, model, model_admin):
    """The add and change pages of ``model`` a coordinator can open: [(url, the record or None)]."""
    request = world.request()
    pages = []
    if model_admin.has_add_permission(request):
        pages.append((url(model, "add"), None))
    if model_admin.has_view_permission(request) or model_admin.has_change_permission(request):
        own = model_admin.get_queryset(request).order_by("pk").first()
        assert own is not None, (
            f"give the coordinator a {model._meta.label} in World (tests/groups/{__name__})"
        )
        pages.append((url(model, "change", own.pk), own))
    return pages


def reachable_admins(world):
    request = world.request()
    reachable = []
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_module_permission(request) and (
            model_admin.has_view_permission(request) or model_admin.has_add_permission(request)
        ):
            reachable.append((model, model_admin))
        else:
            assert world.client.get(url(model)).status_code == 403, model
    return reachable


def test_every_page_a_coordinator_opens_offers_and_accepts_only_what_they_may_choose(world):
    user = world.coordinator
    reachable = reachable_admins(world)
    assert {model for model, _ in reachable} >= {WorkingGroup, Activity, Document}
    walked_fields = set()
    for model, model_admin in reachable:
        request = world.request()
        assert isinstance(model_admin, ScopedChoicesMixin), (
            f"{type(model_admin).__name__}: ScopedChoicesMixin"
        )
        for inline in model_admin.get_inline_instances(request):
            assert isinstance(inline, ScopedChoicesMixin), f"{type(inline).__name__}: ScopedChoicesMixin"
        changelist = world.client.get(url(model))
        assert changelist.status_code == 200
        assert_nothing_confidential(changelist)  # its filters included

        for page_url, obj in open_pages(world, model, model_admin):
            page = world.client.get(page_url)
            assert page.status_code == 200, page_url
            assert_nothing_confidential(page)
            assert isinstance(page.context["adminform"], AdminForm)
            if obj is not None:
                for inline in page.context["inline_admin_formsets"]:
                    assert inline.formset.initial_forms, (
                        f"give {page_url}'s {inline.formset.prefix} a row in World, so its fields are tried"
                    )
            data = form_data(page)
            if obj is not None and not model_admin.has_change_permission(request, obj):  # only to read
                before = database_state()
                assert world.client.post(page_url, data).status_code == 403, page_url
                assert database_state() == before
                continue

            for form, formset in forms_of(page):
                for name, field in choice_fields(form).items():
                    related = field.queryset.model
                    key = form.add_prefix(name)
                    if formset is not None and name == formset.model._meta.pk.name:
                        # The row's own id replaced by another group's row's: the formset leaves that row
                        # alone (it is not among the page's rows), whatever else it saves.
                        rows = formset.get_queryset().values("pk")
                        theirs = related._default_manager.exclude(pk__in=rows).order_by("pk")
                        assert theirs.exists(), f"give Lima a {related._meta.label} in World"
                        before = list(theirs.values())
                        world.client.post(page_url, {**data, key: str(theirs.first().pk)})
                        assert list(theirs.values()) == before, (page_url, key)
                        continue
                    assert related._meta.label_lower in CHOOSABLE, (
                        f"{page_url} {key}: decide in groups/permissions.py CHOOSABLE what a coordinator may "
                        f"choose of {related._meta.label}"
                    )
                    foreign = outside_scope(user, related)
                    walked_fields.add((form._meta.model._meta.label, name))
                    posted = dict(data)
                    if isinstance(field, ModelMultipleChoiceField):
                        posted[key] = [*data.get(key, []), str(foreign)]
                    else:
                        posted[key] = str(foreign)
                    before = database_state()
                    response = world.client.post(page_url, posted)
                    assert response.status_code == 200, f"{page_url} accepted {key}={foreign}"
                    assert "invalid_choice" in error_codes(response, form.prefix, name), (page_url, key)
                    assert database_state() == before, f"{page_url} saved something with {key}={foreign}"
                    assert_nothing_confidential(response)

                if formset is not None:  # the row moved under another group
                    key = form.add_prefix(formset.fk.name)
                    before = database_state()
                    parent = outside_scope(user, formset.fk.related_model)
                    response = world.client.post(page_url, {**data, key: str(parent)})
                    assert response.status_code == 200, f"{page_url} accepted {key}"
                    assert error_codes(response, form.prefix, formset.fk.name), (page_url, key)
                    assert database_state() == before

            if obj is not None and isinstance(model_admin, GroupScopedAdminMixin):
                theirs = model._default_manager.exclude(pk__in=model_admin.get_queryset(request).values("pk"))
                other = theirs.order_by("pk").first()
                assert other is not None, f"give Lima a {model._meta.label} in World"
                other_url = url(model, "change", other.pk)
                before = database_state()
                assert world.client.get(other_url).status_code == 404
                assert world.client.post(other_url, data).status_code == 404
                assert world.client.post(url(model, "delete", other.pk), {"post": "yes"}).status_code == 404
                assert database_state() == before
    # The walk reached the choices this issue is about.
    assert {
        ("groups.Activity", "documents"),
        ("groups.Activity", "group"),
        ("groups.Membership", "organization"),
        ("contacts.Contact", "organization"),
        ("documents.Document", "groups"),
        ("documents.Document", "document_type"),
        ("groups.WorkingGroup", "country"),
    } <= walked_fields


def test_a_foreign_id_is_refused_in_the_staff_members_language(world):
    page = world.client.get(url(Activity, "change", world.activity.pk), HTTP_ACCEPT_LANGUAGE="es")
    data = {**form_data(page), "documents": [str(world.lima_public.pk), str(world.lima_draft.pk)]}
    response = world.client.post(url(Activity, "change", world.activity.pk), data, HTTP_ACCEPT_LANGUAGE="es")
    [message] = response.context["adminform"].form.errors["documents"]
    assert message.startswith("Escoja una opción válida.")
    assert_nothing_confidential(response)


def test_saving_an_activity_keeps_the_link_to_a_draft_the_coordinator_cannot_see(world):
    # On its own page and as a row of its group's page: the draft is neither shown nor dropped.
    for page_url, key, title in (
        (url(Activity, "change", world.activity.pk), "documents", "title_es"),
        (url(WorkingGroup, "change", world.cusco.pk), "activities-0-documents", "activities-0-title_es"),
    ):
        page = world.client.get(page_url)
        data = form_data(page)
        assert data[key] == [str(world.lima_public.pk)]
        response = world.client.post(page_url, {**data, key: [], title: "Taller revisado"})
        assert response.status_code == 302, page_url
        assert set(world.activity.documents.all()) == {world.lima_draft}
        world.activity.documents.add(world.lima_public)


def test_the_document_list_filter_names_only_the_coordinators_groups(world):
    page = world.client.get("/admin/documents/document/")
    filters = page.context["cl"].filter_specs
    [groups_filter] = [spec for spec in filters if getattr(spec, "field_path", None) == "groups"]
    assert [label for _pk, label in groups_filter.lookup_choices] == [str(world.cusco)]


@pytest.fixture
def every_relation():
    """(app_label, model_name, field_name) of every relation of every model to a model with a searchable
    admin: what the autocomplete endpoint could be asked for."""
    relations = []
    for model in apps.get_models():
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            related = field.related_model
            if field.is_relation and related in admin.site._registry:
                relations.append((model._meta.app_label, model._meta.model_name, field.name))
    return relations


def test_the_autocomplete_offers_only_what_a_coordinator_may_choose(world, every_relation):
    user = world.coordinator
    asked = 0
    for app_label, model_name, field_name in every_relation:
        related = apps.get_model(app_label, model_name)._meta.get_field(field_name).related_model
        for term in ("", "Lima", "confidencial", "draft"):
            response = world.client.get(
                "/admin/autocomplete/",
                {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
            )
            if response.status_code in (403, 404):  # not theirs to ask, or no search on that admin
                continue
            assert response.status_code == 200
            asked += 1
            ids = {int(result["id"]) for result in response.json()["results"]}
            allowed = set(choosable(user, related).values_list("pk", flat=True))
            assert ids <= allowed, (app_label, model_name, field_name, term)
            assert_nothing_confidential(response)
    assert asked
    # A coordinator links another group's published document, never its draft.
    response = world.client.get(
        "/admin/autocomplete/",
        {"app_label": "groups", "model_name": "activity", "field_name": "documents", "term": "Lima"},
    )
    assert [result["id"] for result in response.json()["results"]] == [str(world.lima_public.pk)]
    assert set(choosable(user, Document)) == {world.lima_public, world.cusco_draft, world.shared}
