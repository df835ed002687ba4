import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def peru(peru_content):
    return peru_content


@pytest.fixture
def staff_client(db):
    staff = Client()
    staff.force_login(factories.make_user(is_staff=True))
    return staff
