import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from groups.models import Activity, Country, Membership, Organization, Pillar, WorkingGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def peru():
    return Country.objects.create(name_es="Perú", name_en="Peru", slug="peru", iso_code="PE")


@pytest.fixture
def civil_society():
    return Pillar.objects.create(
        name_es="Sociedad civil", name_en="Civil society", slug="civil-society", order=3
    )


@pytest.fixture
def lima(peru):
    return WorkingGroup.objects.create(
        country=peru,
        name_es="Grupo de Trabajo de Lima",
        name_en="Lima Working Group",
        slug="lima",
        location_es="Lima",
        location_en="Lima",
        status="published",
    )


@pytest.fixture
def desco():
    return Organization.objects.create(
        name_es="Centro de Estudios y Promoción del Desarrollo", acronym="DESCO"
    )


def test_group_slug_is_unique_within_a_country_only(peru, lima):
    other = Country.objects.create(name_es="Chile", name_en="Chile", slug="chile", iso_code="CL")
    WorkingGroup.objects.create(country=other, name_es="Lima (Chile)", slug="lima", location_es="Lima")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroup.objects.create(country=peru, name_es="Otro", slug="lima", location_es="Lima")


def test_group_founded_before_the_principles_is_refused(peru):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroup.objects.create(country=peru, name_es="X", slug="x", location_es="X", year_founded=1999)


def test_unknown_publication_status_is_refused_by_the_database(peru):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroup.objects.create(country=peru, name_es="X", slug="x", location_es="X", status="archived")


def test_one_membership_per_organization_pillar_and_group(lima, desco, civil_society):
    Membership.objects.create(group=lima, organization=desco, pillar=civil_society)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=lima, organization=desco, pillar=civil_society, role="chair")


def test_an_organization_is_observer_of_a_group_only_once(lima):
    embassy = Organization.objects.create(name_es="Embajada de Suiza", kind="embassy")
    Membership.objects.create(group=lima, organization=embassy, role="observer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=lima, organization=embassy, role="observer")


def test_only_observers_stand_outside_the_pillars(lima, desco):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=lima, organization=desco, role="member")
    observer = Membership.objects.create(group=lima, organization=desco, role="observer")
    assert observer.is_observer


def test_constraint_messages_reach_model_validation(lima, desco):
    membership = Membership(group=lima, organization=desco, role="member")
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "only observers stand outside the pillars" in str(error.value)


def test_membership_cannot_end_before_it_starts(lima, desco, civil_society):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            group=lima,
            organization=desco,
            pillar=civil_society,
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2014, 1, 1),
        )


def test_activity_cannot_end_before_it_starts(lima):
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            group=lima,
            title_es="Taller",
            start_date=datetime.date(2020, 11, 5),
            end_date=datetime.date(2020, 11, 4),
        )


def test_an_organization_in_use_cannot_be_deleted(lima, desco, civil_society):
    from django.db.models import ProtectedError

    Membership.objects.create(group=lima, organization=desco, pillar=civil_society)
    with pytest.raises(ProtectedError):
        desco.delete()


def test_objectives_and_activities_keep_the_order_staff_set(lima):
    lima.objectives.create(text_es="Segundo", order=2)
    lima.objectives.create(text_es="Primero", order=1)
    lima.activities.create(title_es="B", order=2)
    lima.activities.create(title_es="A", order=1)
    assert [o.text for o in lima.objectives.all()] == ["Primero", "Segundo"]
    assert [a.title for a in lima.activities.all()] == ["A", "B"]


def test_published_hides_drafts(peru, lima):
    WorkingGroup.objects.create(country=peru, name_es="Borrador", slug="draft", location_es="Cusco")
    assert list(WorkingGroup.objects.published()) == [lima]


def test_group_page_content_is_fetched_in_fixed_queries(
    lima, desco, civil_society, django_assert_num_queries
):
    for number in range(30):
        organization = Organization.objects.create(name_es=f"Organización {number}")
        Membership.objects.create(group=lima, organization=organization, pillar=civil_society)
        lima.objectives.create(text_es=f"Objetivo {number}", order=number)
        lima.activities.create(title_es=f"Actividad {number}", order=number)
    # The group with its country, its objectives, its public members: contacts and documents are the page's.
    with django_assert_num_queries(3):
        group = WorkingGroup.objects.with_page_content().get(pk=lima.pk)
        names = [m.organization.name for m in group.public_memberships]
        # Each membership knows its pillar's id: the page lists members under pillars it reads once.
        pillars = {m.pillar_id for m in group.public_memberships}
        assert len(list(group.objectives.all())) == 30
    assert len(names) == 30 and pillars == {civil_society.pk}
    # The latest activities only, and how many there are in all, in one query.
    with django_assert_num_queries(1):
        activities = group.latest_activities()
        assert len(activities) == 10 and activities.total == 30 and activities.has_more


class TestTranslationFallbacks:
    def test_english_page_falls_back_to_spanish_when_english_is_missing(self, peru):
        group = WorkingGroup.objects.create(
            country=peru,
            name_es="Grupo de Trabajo de Cusco",
            slug="cusco",
            location_es="Cusco",
            vision_es="Garantizar una gobernanza adecuada.",
        )
        with translation.override("en"):
            assert group.vision == "Garantizar una gobernanza adecuada."
            assert group.name == "Grupo de Trabajo de Cusco"

    def test_spanish_page_falls_back_to_english_when_spanish_is_missing(self, lima):
        lima.vision_en = "To guarantee adequate governance."
        lima.vision_es = ""
        lima.save()
        with translation.override("es"):
            assert lima.vision == "To guarantee adequate governance."

    def test_each_language_shows_its_own_text_when_both_exist(self, lima):
        with translation.override("es"):
            assert lima.name == "Grupo de Trabajo de Lima"
        with translation.override("en"):
            assert lima.name == "Lima Working Group"

    def test_spanish_is_required_for_required_texts(self, peru):
        group = WorkingGroup(country=peru, name_en="Only English", slug="x", location_en="X")
        with pytest.raises(ValidationError) as error:
            group.full_clean()
        assert "name_es" in error.value.message_dict
