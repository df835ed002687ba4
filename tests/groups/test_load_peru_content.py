"""``manage.py load_peru_content``: every fact of the Peru ICWGs page, in English and Spanish, loaded once."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from contacts.models import Contact
from documents.models import Document, DocumentType
from groups import seed_peru
from groups.models import Activity, Country, Membership, Objective, Organization, Pillar, WorkingGroup

pytestmark = pytest.mark.django_db

SEED_MODELS = (
    Pillar,
    DocumentType,
    Country,
    WorkingGroup,
    Objective,
    Activity,
    Organization,
    Membership,
    Contact,
    Document,
)
SEED_RECORD_COUNT = 3 + 4 + 1 + 2 + 3 + 6 + 8 + 2 + 2 + 2 + 3  # as listed in the tests below


def load(*args):
    out = io.StringIO()
    call_command("load_peru_content", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    return load()


@pytest.fixture
def lima(loaded):
    return WorkingGroup.objects.get(country__iso_code="PE", slug="lima")


@pytest.fixture
def cusco(loaded):
    return WorkingGroup.objects.get(country__iso_code="PE", slug="cusco")


def row_counts():
    return {model.__name__: model.objects.count() for model in SEED_MODELS}


def timestamps():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in SEED_MODELS
        if hasattr(model, "updated_at")
    }


# --- Reference data


def test_pillars_are_state_companies_and_civil_society_in_order(loaded):
    assert list(Pillar.objects.values_list("slug", "order", "name_en", "name_es")) == [
        ("state", 1, "State", "Estado"),
        ("companies", 2, "Companies", "Empresas"),
        ("civil-society", 3, "Civil society", "Sociedad civil"),
    ]


def test_document_types_in_both_languages(loaded):
    types = dict(
        (slug, (en, es)) for slug, en, es in DocumentType.objects.values_list("slug", "name_en", "name_es")
    )
    assert types["national-model"] == ("National model", "Modelo nacional")
    assert types["stakeholder-mapping"] == ("Stakeholder mapping", "Mapeo de actores")
    assert types["study"] == ("Study", "Estudio")
    assert types["guidance"] == ("Guidance", "Guía")


# --- Country


def test_peru_is_loaded_with_unknown_vpi_status(loaded):
    peru = Country.objects.get(iso_code="PE")
    assert (peru.slug, peru.name_en, peru.name_es) == ("peru", "Peru", "Perú")
    assert peru.vpi_status == Country.VPIStatus.UNKNOWN
    assert peru.vpi_status_since is None


def test_introduction_gives_the_figures_in_both_languages(loaded):
    peru = Country.objects.get(iso_code="PE")
    assert "over 32 million" in peru.introduction_en
    assert "19th largest country in the world" in peru.introduction_en
    assert "third largest in South America" in peru.introduction_en
    assert "más de 32 millones" in peru.introduction_es
    assert "decimonoveno país más extenso del mundo" in peru.introduction_es
    assert "tercero más grande de América del Sur" in peru.introduction_es


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("copper", "cobre"),
        ("silver", "plata"),
        ("gold", "oro"),
        ("iron", "hierro"),
        ("zinc", "zinc"),
        ("phosphate", "fosfato"),
        ("oil", "petróleo"),
        ("natural gas", "gas natural"),
        ("coal", "carbón"),
    ],
)
def test_introduction_names_each_natural_resource(loaded, english, spanish):
    peru = Country.objects.get(iso_code="PE")
    assert english in peru.introduction_en
    assert spanish in peru.introduction_es


def test_introduction_tells_of_abuses_and_where_the_groups_are(loaded):
    peru = Country.objects.get(iso_code="PE")
    assert "contributed to human rights abuses and violence" in peru.introduction_en
    assert "abusos contra los derechos humanos" in peru.introduction_es
    assert "violencia" in peru.introduction_es
    assert "based in the capital, Lima, and in Cusco" in peru.introduction_en
    assert "tienen su sede en la capital, Lima, y en Cusco" in peru.introduction_es


# --- Lima


def test_lima_group_identity(lima):
    assert lima.kind == WorkingGroup.Kind.PARTNER
    assert lima.acronym == "GT-PV"
    assert (lima.location_en, lima.location_es) == ("Lima", "Lima")
    assert lima.year_founded == 2010
    assert lima.is_published
    assert lima.order == 1
    assert "Lima" in lima.name_en and "Lima" in lima.name_es
    assert lima.name_es.startswith("Grupo de Trabajo")


def test_lima_founders_in_both_languages(lima):
    for word in ("non-governmental organizations", "companies", "diplomatic representations"):
        assert word in lima.founded_by_en.lower()
    for word in ("organizaciones no gubernamentales", "empresas", "representaciones diplomáticas"):
        assert word in lima.founded_by_es.lower()


def test_lima_overview_tells_how_the_group_began(lima):
    assert "created in 2010" in lima.overview_en
    assert "context of growing social conflict" in lima.overview_en
    assert "space for reflection and the implementation of the Voluntary Principles" in lima.overview_en
    assert "in Peru" in lima.overview_en
    assert "creado en 2010" in lima.overview_es
    assert "creciente conflictividad social" in lima.overview_es
    assert "espacio de reflexión" in lima.overview_es
    assert "Principios Voluntarios de Seguridad y Derechos Humanos" in lima.overview_es


def test_lima_composition_names_the_pillars_and_observers(lima):
    assert "three pillars (State, companies and civil society)" in lima.composition_en
    assert "observers" in lima.composition_en
    assert "international cooperation institutions" in lima.composition_en
    assert "diplomatic representations" in lima.composition_en
    assert "tres pilares (Estado, empresas y sociedad civil)" in lima.composition_es
    assert "observadores" in lima.composition_es
    assert "cooperación internacional" in lima.composition_es
    assert "representaciones diplomáticas" in lima.composition_es


def test_lima_activities_summary_in_both_languages(lima):
    assert lima.activities_summary_en.startswith("The main activities carried out by the group include")
    for line in (
        "dissemination and information analysis",
        "training",
        "discussions",
        "development of studies",
    ):
        assert line in lima.activities_summary_en
    assert "advocacy, and experience sharing" in lima.activities_summary_en
    for line in ("difusión y el análisis de información", "capacitación", "conversatorios", "estudios"):
        assert line in lima.activities_summary_es
    assert "la incidencia y el intercambio de experiencias" in lima.activities_summary_es


def test_lima_has_the_three_objectives_in_order(lima):
    objectives = list(lima.objectives.all())
    assert [objective.order for objective in objectives] == [1, 2, 3]
    first, second, third = objectives
    assert "dissemination and training on the VPSHR" in first.text_en
    assert "Guiding Principles on Business and Human Rights (UNGPs)" in first.text_en
    assert "difusión y la capacitación" in first.text_es
    assert "Principios Rectores sobre las Empresas y los Derechos Humanos" in first.text_es
    assert "Promote multi-stakeholder dialogue based on the VPSHR and the UNGPs" in second.text_en
    assert "Promover el diálogo multiactor" in second.text_es
    assert "Principios Rectores" in second.text_es
    assert "Support the implementation of the VPSHR and the UNGPs through the National Action Plan" in (
        third.text_en
    )
    assert "Apoyar la implementación" in third.text_es
    assert "Plan Nacional de Acción sobre Empresas y Derechos Humanos" in third.text_es


def test_lima_has_the_six_main_activity_lines(lima):
    assert list(lima.activities.values_list("order", "kind", "title_en", "title_es")) == [
        (1, "dissemination", "Dissemination and information analysis", "Difusión y análisis de información"),
        (2, "training", "Training", "Capacitación"),
        (3, "dialogue", "Discussions", "Conversatorios"),
        (4, "study", "Development of studies", "Elaboración de estudios"),
        (5, "advocacy", "Advocacy", "Incidencia"),
        (6, "experience_sharing", "Experience sharing", "Intercambio de experiencias"),
    ]


# --- Cusco


def test_cusco_group_identity(cusco):
    assert cusco.kind == WorkingGroup.Kind.PARTNER
    assert (cusco.location_en, cusco.location_es) == ("Cusco", "Cusco")
    assert cusco.year_founded is None
    assert cusco.is_published
    assert cusco.order == 2
    assert "Cusco" in cusco.name_en and "Cusco" in cusco.name_es
    assert not cusco.objectives.exists()


def test_cusco_vision_in_both_languages(cusco):
    assert "guarantee adequate governance in the promotion and implementation" in cusco.vision_en
    assert "Voluntary Principles on Security and Human Rights" in cusco.vision_en
    assert "garantizar una gobernanza adecuada en la promoción e implementación" in cusco.vision_es
    assert "Principios Voluntarios de Seguridad y Derechos Humanos" in cusco.vision_es


def test_cusco_overview_in_both_languages(cusco):
    for phrase in (
        "space for multi-stakeholder cooperation",
        "sharing of information and experiences transparently",
        "culture of dialogue in conflict management with an inclusive approach",
        "sustainable development of the region",
    ):
        assert phrase in cusco.overview_en
    for phrase in (
        "espacio de cooperación multiactor",
        "intercambio transparente de información y experiencias",
        "cultura de diálogo en la gestión de conflictos",
        "enfoque inclusivo",
        "desarrollo sostenible de la región",
    ):
        assert phrase in cusco.overview_es


def test_cusco_has_the_eight_activities_in_order_with_their_kinds(cusco):
    activities = list(cusco.activities.all())
    assert [(a.order, a.kind) for a in activities] == [
        (1, Activity.Kind.INSTITUTIONAL_STRENGTHENING),
        (2, Activity.Kind.TRAINING),
        (3, Activity.Kind.FIELD_WORK),
        (4, Activity.Kind.ADVOCACY),
        (5, Activity.Kind.TRAINING),
        (6, Activity.Kind.DISSEMINATION),
        (7, Activity.Kind.INSTITUTIONAL_VISIT),
        (8, Activity.Kind.COORDINATION),
    ]
    expected = [
        ("Institutionalization of the working group", "Institucionalización del grupo de trabajo"),
        ("Capacity building of the different actors", "Fortalecimiento de capacidades"),
        (
            "conflict management, security and human rights",
            "gestión de conflictos, seguridad y derechos humanos",
        ),
        ("Advocacy efforts on human rights", "incidencia en derechos humanos"),
        ("rural organizations", "organizaciones rurales"),
        ("inform and sensitize citizens", "informar y sensibilizar a la ciudadanía"),
        ("security sector institutions (police)", "instituciones del sector seguridad (Policía"),
        (
            "Participation in the National Working Group (Lima)",
            "Participación en el Grupo de Trabajo Nacional",
        ),
    ]
    for activity, (english, spanish) in zip(activities, expected, strict=True):
        assert english in activity.title_en
        assert spanish in activity.title_es


def test_cusco_training_names_each_audience_in_natural_spanish(cusco):
    training = cusco.activities.get(order=5)
    for audience in ("board of directors", "rural organizations", "artisanal mining", "public security"):
        assert audience in training.title_en
    assert "peasant patrols" in training.title_en
    for audience in ("juntas directivas", "organizaciones rurales", "minería artesanal", "seguridad pública"):
        assert audience in training.title_es
    assert "rondas campesinas" in training.title_es
    assert "patrullas" not in training.title_es.lower()


# --- Organizations, memberships, contacts


def test_desco_and_guaman_poma_are_ngos(loaded):
    desco = Organization.objects.get(acronym="DESCO")
    assert desco.name_es == "Centro de Estudios y Promoción del Desarrollo"
    assert desco.name_en
    assert desco.kind == Organization.Kind.NGO
    guaman_poma = Organization.objects.get(name_es="Centro de Educación y Comunicación Guaman Poma de Ayala")
    assert guaman_poma.name_en
    assert guaman_poma.kind == Organization.Kind.NGO
    assert not Organization.objects.filter(name_es__contains="Educacion ").exists()


def test_each_ngo_is_a_civil_society_member_of_its_group(lima, cusco):
    memberships = Membership.objects.filter(group__in=[lima, cusco])
    assert sorted(
        memberships.values_list("group__slug", "organization__acronym", "pillar__slug", "role", "is_public")
    ) == [
        ("cusco", "", "civil-society", "member", True),
        ("lima", "DESCO", "civil-society", "member", True),
    ]
    assert memberships.get(group=cusco).organization.name_es.endswith("Guaman Poma de Ayala")


def test_lima_contact_is_molvina_zeballos_at_desco(lima):
    contact = Contact.objects.public().get(group=lima)
    assert contact.person == "Molvina Zeballos"
    assert contact.organization.acronym == "DESCO"
    assert contact.email_list == ["molvina@desco.org.pe", "grupodetrabajoempresayderechos@gmail.com"]


def test_cusco_contact_is_lucio_quinones_at_guaman_poma(cusco):
    contact = Contact.objects.public().get(group=cusco)
    assert contact.person == "Lucio Quiñones"
    assert contact.organization.name_es == "Centro de Educación y Comunicación Guaman Poma de Ayala"
    assert contact.email_list == ["gpadireccion@guamanpoma.org", "lucio@guamanpoma.org"]


# --- Documents


def test_three_published_spanish_documents_without_invented_files_or_links(loaded):
    documents = Document.objects.all()
    assert documents.count() == 3
    for document in documents:
        assert document.language == "es"
        assert document.is_published
        assert not document.files.exists()
        assert document.external_url == ""
        assert document.title_es and document.title_en and document.title_es != document.title_en
        assert document.summary_es and document.summary_en and document.summary_es != document.summary_en


def test_peruvian_model_is_the_lima_national_model(lima):
    document = Document.objects.get(title_es__startswith="Diez pasos")
    assert document.title_es == (
        "Diez pasos para promover los Principios Voluntarios de Seguridad y Derechos Humanos: "
        "El Modelo Peruano del Grupo de Trabajo"
    )
    assert document.title_en.startswith("Ten steps to promote the Voluntary Principles")
    assert "Peruvian Model" in document.title_en
    assert document.document_type.slug == "national-model"
    assert list(document.groups.all()) == [lima]
    assert "exploratory study" in document.summary_en and "2010" in document.summary_en
    assert "Socios Perú" in document.summary_en and "GT-PV" in document.summary_en
    assert "estudio exploratorio" in document.summary_es and "2010" in document.summary_es
    assert "Socios Perú" in document.summary_es and "GT-PV" in document.summary_es


def test_stakeholder_mapping_belongs_to_cusco(cusco):
    document = Document.objects.get(document_type__slug="stakeholder-mapping")
    assert "Stakeholder mapping" in document.title_en and "Cusco" in document.title_en
    assert "Mapeo de actores" in document.title_es and "Cusco" in document.title_es
    assert list(document.groups.all()) == [cusco]


def test_formalization_study_belongs_to_cusco_only(cusco):
    document = Document.objects.get(document_type__slug="study")
    assert document.title_en == "The Formalization Process of Small-Scale and Artisanal Mining in Peru"
    assert (
        document.title_es
        == "El proceso de formalización de la pequeña minería y minería artesanal en el Perú"
    )
    assert "minería artesanal" in document.summary_es
    assert "artisanal mining" in document.summary_en
    assert list(document.groups.all()) == [cusco]


def test_published_documents_are_listed_for_their_groups(lima, cusco):
    assert Document.objects.published().for_group(lima).count() == 1
    assert Document.objects.published().for_group(cusco).count() == 2


# --- Spanish that reads like Spanish


def test_spanish_text_is_written_in_spanish_not_copied_from_english(lima, cusco):
    texts = [(record.text_en, record.text_es) for record in Objective.objects.all()] + [
        (record.title_en, record.title_es) for record in Activity.objects.all()
    ]
    for group in (lima, cusco):
        texts += [
            (group.name_en, group.name_es),
            (group.overview_en, group.overview_es),
        ]
    texts += [(lima.composition_en, lima.composition_es), (cusco.vision_en, cusco.vision_es)]
    for english, spanish in texts:
        assert spanish and english and spanish != english


def test_peruvian_terms_are_used(loaded):
    spanish = " ".join(
        [
            *Activity.objects.values_list("title_es", flat=True),
            *Objective.objects.values_list("text_es", flat=True),
        ]
        + [
            *Document.objects.values_list("summary_es", flat=True),
            *Document.objects.values_list("title_es", flat=True),
        ]
    )
    for term in (
        "rondas campesinas",
        "minería artesanal",
        "pequeña minería",
        "proceso de formalización",
        "Principios Rectores sobre las Empresas y los Derechos Humanos",
        "Plan Nacional de Acción sobre Empresas y Derechos Humanos",
    ):
        assert term in spanish


def test_original_columns_hold_the_spanish_default_language(lima):
    # modeltranslation's default language is Spanish: the untranslated column (read past its query rewriting)
    # holds the Spanish name.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {WorkingGroup._meta.db_table} WHERE id = %s", [lima.pk])
        assert cursor.fetchone() == (lima.name_es,)


# --- Behaviour


def test_progress_and_summary_are_printed(db):
    output = load()
    lines = output.strip().splitlines()
    assert "Country Peru … created" in lines
    assert "Working group Lima … created" in lines
    assert "Working group Cusco … created" in lines
    assert len(lines) == SEED_RECORD_COUNT + 1
    assert lines[-1] == f"Peru content: {SEED_RECORD_COUNT} records created, 0 updated, 0 kept."
    assert row_counts() == {
        "Pillar": 3,
        "DocumentType": 4,
        "Country": 1,
        "WorkingGroup": 2,
        "Objective": 3,
        "Activity": 14,
        "Organization": 2,
        "Membership": 2,
        "Contact": 2,
        "Document": 3,
    }


def test_second_run_changes_nothing(loaded):
    counts, stamps = row_counts(), timestamps()
    links = sorted(Document.groups.through.objects.values_list("document_id", "workinggroup_id"))

    output = load()

    assert row_counts() == counts
    assert timestamps() == stamps
    assert sorted(Document.groups.through.objects.values_list("document_id", "workinggroup_id")) == links
    assert "Country Peru … kept" in output
    assert output.strip().splitlines()[-1] == (
        f"Peru content: 0 records created, 0 updated, {SEED_RECORD_COUNT} kept."
    )


def test_staff_edit_survives_a_second_run(cusco):
    cusco.vision_es = "Visión revisada por la secretaría."
    cusco.save()
    edited_at = WorkingGroup.objects.get(pk=cusco.pk).updated_at

    load()

    cusco.refresh_from_db()
    assert cusco.vision_es == "Visión revisada por la secretaría."
    assert cusco.updated_at == edited_at


def test_staff_edits_to_children_and_documents_survive(lima):
    lima.objectives.filter(order=1).update(text_en="Edited objective.")
    Document.objects.filter(document_type__slug="national-model").update(summary_es="Resumen editado.")

    load()

    assert lima.objectives.get(order=1).text_en == "Edited objective."
    assert Document.objects.get(document_type__slug="national-model").summary_es == "Resumen editado."
    assert lima.objectives.count() == 3


def test_a_deleted_seed_record_is_recreated_and_nothing_else_changes(cusco):
    cusco.activities.filter(order=7).delete()
    stamps = timestamps()

    output = load()

    assert cusco.activities.count() == 8
    assert cusco.activities.get(order=7).kind == Activity.Kind.INSTITUTIONAL_VISIT
    after = timestamps()
    # Cusco's page has its activity back: the group changed (the sitemap and the open data say so), and
    # nothing else did.
    cusco_before, cusco_after = (dict(stamp["WorkingGroup"]).pop(cusco.pk) for stamp in (stamps, after))
    assert cusco_after > cusco_before
    for stamp in (stamps, after):
        stamp["WorkingGroup"] = [(pk, moment) for pk, moment in stamp["WorkingGroup"] if pk != cusco.pk]
    assert after == stamps
    assert output.strip().splitlines()[-1] == (
        f"Peru content: 1 records created, 0 updated, {SEED_RECORD_COUNT - 1} kept."
    )


def test_reset_restores_the_seed_text(cusco):
    seed_vision = cusco.vision_es
    cusco.vision_es = "Visión revisada por la secretaría."
    cusco.save()
    lima = WorkingGroup.objects.get(slug="lima")
    lima_stamp = lima.updated_at

    output = load("--reset")

    cusco.refresh_from_db()
    assert cusco.vision_es == seed_vision
    assert "Working group Cusco … updated" in output
    assert output.strip().splitlines()[-1] == (
        f"Peru content: 0 records created, 1 updated, {SEED_RECORD_COUNT - 1} kept."
    )
    lima.refresh_from_db()
    assert lima.updated_at == lima_stamp


def test_reset_restores_children_links_and_keeps_what_is_not_seed(lima, cusco):
    lima.objectives.filter(order=2).update(text_es="Editado.")
    study = Document.objects.get(document_type__slug="study")
    study.groups.set([lima])
    extra = Activity.objects.create(
        group=cusco, order=9, title_es="Reunión mensual", title_en="Monthly meeting"
    )

    load("--reset")

    assert lima.objectives.get(order=2).text_es.startswith("Promover el diálogo multiactor")
    assert set(study.groups.all()) == {lima, cusco}  # the seed's link is back; the staff's link is kept
    assert Activity.objects.filter(pk=extra.pk).exists()


def test_reset_twice_is_a_no_op(loaded):
    load("--reset")
    stamps = timestamps()

    output = load("--reset")

    assert timestamps() == stamps
    assert output.strip().splitlines()[-1].startswith("Peru content: 0 records created, 0 updated,")


def test_loads_into_an_existing_country_without_touching_it(db):
    peru = Country.objects.create(name_es="Perú (editado)", name_en="Peru", slug="peru", iso_code="PE")

    load()

    assert Country.objects.count() == 1
    peru.refresh_from_db()
    assert peru.name_es == "Perú (editado)"
    assert WorkingGroup.objects.filter(country=peru).count() == 2


def test_a_bad_record_rolls_everything_back(db, monkeypatch):
    broken = [{**seed_peru.CONTACTS[0], "emails": "not an address"}, *seed_peru.CONTACTS[1:]]
    monkeypatch.setattr(seed_peru, "CONTACTS", broken)

    with pytest.raises(ValidationError):
        load()

    assert set(row_counts().values()) == {0}
