"""The ``any_of`` lookup: one array parameter instead of one placeholder per value."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from convenant.core.models import User

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_values_given():
    ada = User.objects.create(email="ada@example.org", full_name="Ada")
    User.objects.create(email="bob@example.org", full_name="Bob")
    found = User.objects.filter(email__any_of=["ada@example.org", "nobody@example.org"])
    assert list(found) == [ada]
    assert not User.objects.filter(email__any_of=[]).exists()


def test_any_of_sends_one_parameter_however_many_values():
    emails = [f"user{n}@example.org" for n in range(5000)]
    sql, params = User.objects.filter(email__any_of=emails).query.sql_with_params()
    assert sql.count("%s") == 1
    assert "= ANY(%s)" in sql
    assert params == (emails,)
    with CaptureQueriesContext(connection) as queries:
        assert not User.objects.filter(email__any_of=emails).exists()
    assert len(queries) == 1


def test_any_of_refuses_values_of_the_wrong_type():
    with pytest.raises((ValueError, TypeError)):
        list(User.objects.filter(pk__any_of=["not a number"]))
