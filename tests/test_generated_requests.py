"""Generated requests (hypothesis): whatever a visitor or a staff member sends, the portal answers without a
server error and never sends their input back as markup.

- Every address the URL resolver knows, in both languages, with path arguments taken from the Peru content,
  generated to fit the converter, or hostile; with the query parameters the views read and unknown ones.
- The back office's sign-in form, with any fields, any values, any encoding.
- Every registered model's add form, posted by a superuser with generated values and absurd inline counts.

Few examples per test by default; ``--hypothesis-profile thorough`` runs many more (profiles in conftest.py).
"""

import copy
import io
import itertools
import sys
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import models, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.http import parse_header_parameters
from hypothesis import given, note
from hypothesis import strategies as st

from documents.forms import LibraryFilterForm
from documents.models import Document
from groups.models import Country, WorkingGroup
from search.forms import SearchForm
from tests import factories, strategies
from tests.admin_pages import form_fields

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("groups", "documents", "contacts")
TEXT_TYPES = {
    "text/html",
    "text/plain",
    "application/xml",
    "application/atom+xml",
    "application/json",
    "text/calendar",
    "text/csv",
}
REDIRECTS = {301, 302, 303, 307, 308}
ACCEPT_LANGUAGES = (None, "es-PE,es;q=0.9", "en-US,en;q=0.8", "*", "xx", "es;q=abc", ";;,,", "a" * 300)


# --- What the generated requests draw on: the Peru content, loaded once ------------------------------------


@dataclass
class Site:
    pool: set  # every slug, primary key, stored file name and choice value in the project's tables
    known_kwargs: dict  # route -> path arguments of pages that exist
    query_values: dict  # query parameter -> real values
    superuser: object

    def __repr__(self):  # a falsifying example is easier to read without the whole pool in it
        return "Site(the Peru content)"


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The Peru content, a draft and a dated document and a superuser, for every test of the module: loaded
    once in a transaction rolled back at the end. Each test runs inside it (pytest-django's savepoint) and
    each example inside that (``rolled_back``), so examples never see one another's records."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_peru_content", stdout=io.StringIO())
            cusco = WorkingGroup.objects.get(slug="cusco")
            factories.make_document(groups=[cusco], status="draft", slug="draft-document")
            factories.make_document(groups=[cusco], publication_date="2023-05-04", language="en")
            loaded = Site(database_values(), known_kwargs(), query_values(), factories.make_superuser())
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def project_models():
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


def database_values():
    values = {"0", "1", *(code for code, _name in settings.LANGUAGES)}
    for model in project_models():
        for field in model._meta.concrete_fields:
            if field.choices:
                values.update(str(choice) for choice, _label in field.flatchoices)
            if field.primary_key or isinstance(field, models.SlugField | models.FileField):
                values.update(str(v) for v in model.objects.values_list(field.attname, flat=True) if v)
    return values


def known_kwargs():
    """The path arguments of every page a record has (``get_absolute_url``), by route, in both languages."""
    found = defaultdict(list)
    for model in project_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        for record in model.objects.all():
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    match = resolve(record.get_absolute_url())
                found[match.route].append({name: str(v) for name, v in match.captured_kwargs.items()})
    return dict(found)


def query_values():
    """The query parameters the public views read, with the values their pages offer."""
    library = LibraryFilterForm(QueryDict(), Document.objects.all())
    values = {name: [] for name in (*library.fields, *SearchForm.base_fields)}
    for field_name, field in [*library.fields.items(), *SearchForm(QueryDict()).fields.items()]:
        if isinstance(field, forms.ChoiceField):
            values[field_name] = strategies.choice_values(field)
    words = {word for group in WorkingGroup.objects.all() for word in group.name_es.split() if len(word) > 3}
    values["q"] = [*sorted(words), "minería", "Cusco seguridad", "derechos humanos"]
    values["year"] += ["1999", "2023", "2999"]
    # Read by the views themselves: a list's page, the address to go back to after switching language.
    values["page"] = ["1", "2", "3", "1000", "1001"]
    values["next"] = [
        "/es/",
        "/en/documents/",
        "/es/paises/peru/cusco/",
        "//evil.example/",
        "https://evil.example/",
    ]
    return values


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- What every answer must be ------------------------------------------------------------------------------


def check_answer(response):
    """No server error; text with a charset; hostile markup never reflected raw; HTML under the CSP."""
    assert response.status_code < 500
    if response.streaming:
        return  # a file's own bytes (a download, an image)
    content_type, params = parse_header_parameters(response.get("Content-Type", ""))
    assert content_type in TEXT_TYPES, response.get("Content-Type")
    assert params.get("charset"), response.get("Content-Type")
    body = response.content.decode(params["charset"], errors="replace")
    assert not strategies.reflected(body), strategies.RAW_MARKUP.search(body)
    if content_type == "text/html":
        assert "Content-Security-Policy" in response


def local_target(response):
    """Where a redirect leads, which must be this site (or a mail program); None for the mail program."""
    location = urlsplit(response["Location"])
    if location.scheme == "mailto":
        return None
    assert location.scheme in ("", "http") and location.netloc in ("", "testserver"), response["Location"]
    return urlunsplit(("", "", location.path or "/", location.query, ""))


def check_redirect(client, response):
    """A redirect stays on the site, and where it leads is answered safely too."""
    if response.status_code in REDIRECTS and (target := local_target(response)):
        note(f"followed to {target}")
        check_answer(client.get(target))


def send(client, method, path, query=""):
    note(f"{method} {path} ? {query}")
    if method == "POST":
        return client.generic(method, path, query.encode(), "application/x-www-form-urlencoded")
    return client.generic(method, f"{path}?{query}" if query else path)


# --- Public addresses ---------------------------------------------------------------------------------------

ROUTES = strategies.routes()


PUBLIC_PAGES = """
    home about search robots_txt media switch_language set_language groups:country groups:detail
    contacts:list contacts:email documents:list documents:feed documents:detail documents:download
""".split()


def test_the_generated_addresses_cover_every_public_page(site):
    assert set(PUBLIC_PAGES) <= {route.name for route in ROUTES}
    assert {route.language for route in ROUTES if route.name == "groups:detail"} == {"es", "en"}
    # …and pages that exist among them, in both languages.
    real = {str(route) for route in ROUTES if route.template in site.known_kwargs}
    assert {"es:groups:detail", "en:groups:detail", "es:groups:country", "en:documents:detail"} <= real


@pytest.mark.parametrize("route", ROUTES, ids=str)
@given(data=st.data())
def test_any_request_to_a_public_address_is_answered_safely(site, route, data):
    path = data.draw(strategies.paths(route, site.known_kwargs.get(route.template, []), site.pool))
    query = data.draw(strategies.query_strings(site.query_values))
    method = data.draw(st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]))
    accept_language = data.draw(st.sampled_from(ACCEPT_LANGUAGES))
    client = Client(**({"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}))
    with rolled_back():
        if data.draw(st.booleans()):
            client.force_login(site.superuser)  # staff preview drafts
        response = send(client, method, path, query)
        check_answer(response)
        check_redirect(client, response)


def test_the_sitemap_names_its_charset(client):
    # Found by the property above: Django's sitemap answers "application/xml" alone.
    for response in (
        client.get(reverse("django.contrib.sitemaps.views.index")),
        client.get(reverse("django.contrib.sitemaps.views.sitemap", kwargs={"section": "pages"})),
    ):
        assert response["Content-Type"] == "application/xml; charset=utf-8"


@given(data=st.data())
def test_any_path_at_all_is_answered_safely(site, data):
    words = ["es", "en", "paises", "countries", "documentos", "documents", "admin", "media", "static", "i18n"]
    segments = data.draw(st.lists(st.one_of(st.sampled_from(words), strategies.hostile_text()), max_size=4))
    safe = data.draw(st.sampled_from(["/", "/%"]))
    path = "/" + "/".join(quote(segment, safe=safe) for segment in segments)
    path += data.draw(st.sampled_from(["", "/"]))
    client = Client()
    with rolled_back():
        response = send(client, "GET", path, data.draw(strategies.query_strings(site.query_values)))
        check_answer(response)
        check_redirect(client, response)


# --- Signing in to the back office --------------------------------------------------------------------------

LOGIN_URL = "/" + settings.ADMIN_URL + "login/"
_addresses = itertools.count(1)


def fresh_address():
    """A visitor address of its own per example: django-axes counts failures per address."""
    number = next(_addresses)
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def maybe_repeated(strategy):
    return st.one_of(strategy, st.lists(strategy, min_size=2, max_size=3))


RAW_CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "text/plain",
    "",
)


@given(data=st.data())
def test_signing_in_with_any_input_is_answered_safely(site, data):
    values = {
        "username": st.one_of(st.just(site.superuser.username), strategies.hostile_text()),
        "password": st.one_of(st.just(factories.PASSWORD), strategies.hostile_text()),
        "next": st.one_of(st.sampled_from(site.query_values["next"]), strategies.hostile_text()),
        "this_is_the_login_form": st.just("1"),
        "csrfmiddlewaretoken": strategies.hostile_text(),
    }
    fields = {}
    for name, strategy in values.items():
        if data.draw(st.integers(0, 4)):  # now and then a field is missing
            fields[name] = data.draw(maybe_repeated(strategy), label=name)
    query = data.draw(strategies.query_strings({"next": site.query_values["next"]}))
    url = f"{LOGIN_URL}?{query}" if query else LOGIN_URL
    client = Client(REMOTE_ADDR=fresh_address())
    encoding = data.draw(st.sampled_from(["form", "multipart", "raw", "GET"]))
    note(f"{encoding} {url} {fields!r}")
    with rolled_back():
        if encoding == "form":
            body = urlencode(fields, doseq=True)
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        elif encoding == "multipart":
            response = client.post(url, fields)
        elif encoding == "raw":  # bytes no browser would send: not UTF-8, cut short, wrongly labelled
            body = b"&".join(
                name.encode() + b"=" + data.draw(st.binary(max_size=40), label=name) for name in fields
            )
            content_type = data.draw(st.sampled_from(RAW_CONTENT_TYPES))
            response = client.generic("POST", url, body, content_type)
        else:
            response = client.get(url)
        check_answer(response)
        check_redirect(client, response)


# --- The back office's add forms ----------------------------------------------------------------------------

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@dataclass
class AddForm:
    """An admin add page as a superuser sees it: fields by name, inlines, what a browser would send."""

    url: str
    allowed: bool
    fields: dict = None  # name -> form field
    inlines: list = None  # (prefix, {name: form field}, management form values as given)
    browser_values: list = None

    def __repr__(self):
        return f"AddForm({self.url})"


@pytest.fixture(scope="module")
def add_forms():
    return {}  # model -> AddForm, read once per module (the forms' choices do not change)


def described(form):
    """The form's fields by input name, each with its model field's validators too: the admin checks those
    only when the form is otherwise valid, and plausible values should pass them."""
    model_fields = {field.name: field for field in form._meta.model._meta.get_fields()}
    fields = {}
    for name, field in form.fields.items():
        if name in model_fields and getattr(model_fields[name], "validators", None):
            field = copy.copy(field)
            field.validators = [*field.validators, *model_fields[name].validators]
        fields[name] = field
    return fields


def read_add_form(client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    page = client.get(url)
    if page.status_code == 403:
        return AddForm(url, allowed=False)
    assert page.status_code == 200
    form = page.context["adminform"].form
    inlines = []
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        given = {key: str(formset.management_form[key].value()) for key in ("MIN_NUM_FORMS", "MAX_NUM_FORMS")}
        inlines.append((formset.prefix, described(formset.empty_form), given))
    return AddForm(
        url,
        allowed=True,
        fields=described(form),
        inlines=inlines,
        browser_values=form_fields(page.content.decode(), f"{opts.model_name}_form"),
    )


class ChosenFile(io.BytesIO):
    """A file as a browser sends it, under any name (SimpleUploadedFile would shorten it)."""

    def __init__(self, name, content):
        super().__init__(content)
        self.name = name


def field_value(data, mode, field, name):
    hostile = mode == "hostile" or (mode == "mixed" and not data.draw(st.integers(0, 2)))
    strategy = (strategies.hostile_value if hostile else strategies.plausible_value)(field, name)
    return data.draw(strategy, label=name)


def put(post, name, field, value):
    if isinstance(value, tuple):  # a file: (name, content)
        value = ChosenFile(*value)
    if value is None:
        post.pop(name, None)
    elif isinstance(field, forms.MultiValueField) and isinstance(value, list):
        for index, part in enumerate(value):  # one input per part: date and time
            post[f"{name}_{index}"] = part
    else:
        post[name] = value


def generated_submission(data, form):
    mode = data.draw(st.sampled_from(["plausible", "mixed", "hostile"]), label="mode")
    post = {}
    for name, value in form.browser_values:
        post.setdefault(name, []).append(value)
    post = {name: values[0] if len(values) == 1 else values for name, values in post.items()}
    fields_by_name = dict(form.fields)
    for name, field in form.fields.items():
        put(post, name, field, field_value(data, mode, field, name))
    for prefix, fields, management in form.inlines:
        post = {name: value for name, value in post.items() if not name.startswith(prefix + "-")}
        rows = data.draw(st.integers(0, 2), label=f"{prefix} rows")
        counts = data.draw(
            strategies.management_values(rows, management, absurd_allowed=mode != "plausible"),
            label=f"{prefix} management",
        )
        post.update({f"{prefix}-{key}": value for key, value in counts.items() if value is not None})
        for row in range(rows):
            for name, field in fields.items():
                fields_by_name[f"{prefix}-{row}-{name}"] = field
                put(post, f"{prefix}-{row}-{name}", field, field_value(data, mode, field, name))
    if mode != "plausible":
        add_oddities(data, post, fields_by_name)
    button = data.draw(st.sampled_from(["_save", "_continue", "_addanother", None]), label="button")
    if button:
        post[button] = "1"
    return post


def add_oddities(data, post, fields_by_name):
    # Twice the same field: the last value counts for most fields, all of them for a multiple choice.
    for name in data.draw(st.lists(st.sampled_from(sorted(fields_by_name)), max_size=2), label="repeated"):
        field = fields_by_name[name]
        if name in post and not isinstance(field, forms.FileField | forms.MultiValueField):
            again = data.draw(strategies.hostile_value(field, name), label=f"{name} again")
            values = post[name] if isinstance(post[name], list) else [post[name]]
            post[name] = [*values, *(again if isinstance(again, list) else [again] if again else [])]
    unknown = st.tuples(strategies.hostile_text(), strategies.hostile_text())
    for name, value in data.draw(st.lists(unknown, max_size=2), label="unknown fields"):
        post.setdefault(name or "unknown", value)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@given(data=st.data())
def test_any_submission_of_an_admin_add_form_is_saved_or_refused_with_reasons(site, add_forms, model, data):
    client = Client()
    with rolled_back():
        client.force_login(site.superuser)
        if model not in add_forms:
            add_forms[model] = read_add_form(client, model)
        form = add_forms[model]
        post = (
            generated_submission(data, form)
            if form.allowed
            else {"any": data.draw(strategies.hostile_text())}
        )
        note(repr(post))
        response = client.post(form.url, post)
        if not form.allowed:
            assert response.status_code == 403
            return
        assert response.status_code in (200, 302)
        check_answer(response)
        if response.status_code == 200:  # refused: the form says why
            assert response.context["errors"], "the form came back without an error"
            return
        target = local_target(response)
        assert target.startswith("/" + settings.ADMIN_URL), target
        page = client.get(target)  # the list, the new record's page or a new add form
        assert page.status_code == 200
        check_answer(page)
        check_public_page(client, target)


def check_public_page(client, admin_target):
    """The record just saved, on its public page as staff preview it: its text is escaped there too."""
    try:
        match = resolve(urlsplit(admin_target).path)
    except Resolver404:
        return
    if not match.url_name.endswith("_change"):
        return
    model = match.func.model_admin.model
    record = model._default_manager.filter(pk=unquote(match.kwargs["object_id"])).first()
    if record is not None and hasattr(record, "get_absolute_url"):
        check_answer(client.get(record.get_absolute_url()))


@pytest.mark.parametrize("outline", ["", "null"])
def test_a_cleared_map_outline_saves_a_country_without_a_map(superuser_client, outline):
    # Found by the property above: the emptied box (or JSON null) reached the database as NULL, a 500.
    url = reverse("admin:groups_country_add")
    post = dict(form_fields(superuser_client.get(url).content.decode(), "country_form"))
    post.update(name_es="Colombia", name_en="Colombia", slug="colombia", iso_code="CO", outline=outline)
    response = superuser_client.post(url, post)
    assert response.status_code == 302
    country = Country.objects.get(slug="colombia")
    assert country.outline == []
    assert Client().get(country.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("field", ["group", "organization"])
def test_a_posted_key_that_is_not_a_number_in_an_autocomplete_field_is_a_form_error(superuser_client, field):
    # Found by the property above: Django's autocomplete widget looked "abc" up as a key (a 500).
    group = factories.make_group()
    post = {"group": group.pk, "person": "Ana", "role": "contact", "emails": "ana@example.org", field: "abc"}
    response = superuser_client.post(reverse("admin:contacts_contact_add"), post)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
