"""`convenant load_reference_data` on a fresh database: every app's shipped reference data in
one command, and nothing changed the second time. Core reaches the apps only through the
registry and Django's app registry (import layers)."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from convenant.core.models import AuditEvent
from convenant.core.reference_data import loaders, separate_datasets

pytestmark = pytest.mark.django_db(transaction=False)

# What a fresh production needs, by model: each must hold rows after the command.
LOADED_MODELS = (
    ("risk", "ReferenceDataset"),
    ("risk", "Theme"),
    ("toolkit", "Requirement"),
    ("reporting", "Framework"),
    ("engagement", "LadderStep"),
)


def counts() -> dict[str, int]:
    found = {
        f"{app}.{name}": apps.get_model(app, name).objects.count() for app, name in LOADED_MODELS
    }
    found["audit"] = AuditEvent.objects.count()
    return found


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_reference_data", *args, stdout=out)
    return out.getvalue()


def test_the_apps_register_their_loaders_in_order() -> None:
    names = [loader.name for loader in loaders()]
    assert names == ["risk", "requirements", "kpi-framework", "ladder"]
    assert {d.name for d in separate_datasets()} >= {"gleif", "rates", "conduct"}


def test_a_fresh_database_gets_every_dataset_and_a_second_run_changes_nothing() -> None:
    # Given an empty database
    assert all(n == 0 for key, n in counts().items() if key != "audit")
    # When the reference data is loaded
    first = run()
    # Then every model holds what was shipped, and each loader said what it loaded
    loaded = counts()
    assert all(n > 0 for key, n in loaded.items() if key != "audit"), loaded
    assert "KPI framework 2022.1: loaded." in first and "Escalation ladder" in first
    assert "Nothing changed" not in first
    # and the operator is told which data has its own command
    assert "convenant load_gleif" in first and "convenant load_rates" in first
    # When it runs again
    second = run()
    # Then nothing was written (no rows, no audit events) and it says so
    assert counts() == loaded
    assert "Nothing changed: all of it was loaded already." in second
    assert second.count("already loaded, unchanged") >= len(loaders())


def test_only_runs_the_loaders_named() -> None:
    output = run("--only", "ladder", "requirements")
    loaded = counts()
    assert loaded["engagement.LadderStep"] > 0 and loaded["toolkit.Requirement"] > 0
    assert loaded["risk.ReferenceDataset"] == 0 and loaded["reporting.Framework"] == 0
    assert "risk (" not in output


def test_an_unknown_loader_is_refused_with_nothing_loaded() -> None:
    before = counts()
    with pytest.raises(CommandError, match="No loader nope"):
        run("--only", "ladder", "nope")
    assert counts() == before


def test_a_step_that_differs_from_the_file_is_put_right_and_reported() -> None:
    # Given the ladder loaded, and one step's name changed in the database since
    run("--only", "ladder")
    step = apps.get_model("engagement", "LadderStep").objects.order_by("order").first()
    shipped = step.name
    step.name = "Iets anders"
    step.save()
    # When the reference data is loaded again
    output = run("--only", "ladder")
    # Then the step is as shipped again, and the command says something changed
    step.refresh_from_db()
    assert step.name == shipped
    assert "steps updated" in output and "Nothing changed" not in output
