"""Loading GLEIF files: the golden copy and the ISIN map, idempotently, with bad rows
reported by line and column, and a bad file leaving the register as it was."""

import csv
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.portfolios import testing
from convenant.portfolios.actions.register import load_isin_mapping, load_lei_records
from convenant.portfolios.models import Issuer, IssuerAlias, IssuerIdentifier

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Issuer.objects.count(),
        IssuerIdentifier.objects.count(),
        IssuerAlias.objects.count(),
        AuditEvent.objects.count(),
    )


def test_golden_copy_and_isin_map_load_and_reload(tmp_path: Path) -> None:
    records = testing.write_golden_copy(tmp_path / "lei.csv", 250)
    pairs = testing.write_isin_mapping(tmp_path / "isin.csv", records)

    report = load_lei_records(tmp_path / "lei.csv", batch_size=60)  # several batches
    assert (report.read, report.inserted, report.updated, report.skipped) == (250, 250, 0, 0)
    lei, name, country = records[0]
    issuer = Issuer.objects.get(lei=lei)
    assert (issuer.legal_name, issuer.country_of_incorporation) == (name, country)
    assert issuer.source == Issuer.Source.GLEIF

    again = load_lei_records(tmp_path / "lei.csv")
    assert (again.inserted, again.updated) == (0, 250)
    assert Issuer.objects.count() == 250

    isins = load_isin_mapping(tmp_path / "isin.csv")
    assert isins.inserted == len({isin for _lei, isin in pairs})
    assert IssuerIdentifier.objects.get(value=pairs[0][1]).issuer.lei == pairs[0][0]
    assert AuditEvent.objects.filter(verb="portfolios.load_lei_records").count() == 2


def test_zipped_golden_copy_loads(tmp_path: Path) -> None:
    testing.write_golden_copy(tmp_path / "lei.csv", 20)
    with zipfile.ZipFile(tmp_path / "golden.zip", "w") as archive:
        archive.write(tmp_path / "lei.csv", "20261124-gleif-concatenated-file-lei2.csv")
    assert load_lei_records(tmp_path / "golden.zip").inserted == 20


def test_bad_rows_are_skipped_and_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "lei.csv"
    testing.write_golden_copy(path, 3)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(lines[2][1:21], "506700GE1G29325QX364", 1)  # bad check digits
    lines.append('"529900T8BM49AURSDO55","","en"' + ',""' * 13)  # no legal name
    path.write_text("\n".join(lines) + "\n")
    report = load_lei_records(path)
    assert report.inserted == 2 and report.skipped == 2
    assert report.problems[0][:2] == (3, "LEI") and "check digits" in report.problems[0][2]
    assert report.problems[1] == (5, "Entity.LegalName", "the legal name is empty")


def test_isin_rows_with_unknown_lei_or_bad_check_digit_are_reported(tmp_path: Path) -> None:
    records = testing.write_golden_copy(tmp_path / "lei.csv", 2)
    load_lei_records(tmp_path / "lei.csv")
    (tmp_path / "isin.csv").write_text(
        f"LEI,ISIN\n{records[0][0]},US0378331005\n{records[0][0]},US0378331006\n"
        "5493001KJTIIGC8Y1R12,NL0010273215\n"
    )
    report = load_isin_mapping(tmp_path / "isin.csv")
    assert report.inserted == 1
    assert [(line, column) for line, column, _ in report.problems] == [(3, "ISIN"), (4, "LEI")]


def test_a_file_in_another_layout_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text("ISIN;Naam;Waarde\nUS0378331005;Apple;100\n")
    before = counts()
    with pytest.raises(ActionError, match="missing column"):
        load_lei_records(path)
    assert counts() == before


def test_a_failure_half_way_rolls_the_whole_load_back(tmp_path: Path) -> None:
    path = tmp_path / "lei.csv"
    testing.write_golden_copy(path, 50)
    with path.open("ab") as handle:
        handle.write(b'"\xff\xfe not utf-8"\n')
    before = counts()
    with pytest.raises(ActionError, match="is not UTF-8 text"):
        load_lei_records(path, batch_size=10)
    assert counts() == before


def test_only_the_secretariat_or_convenant_itself_loads(tmp_path: Path, world: World) -> None:
    testing.write_golden_copy(tmp_path / "lei.csv", 3)
    with pytest.raises(PermissionDenied):
        load_lei_records(tmp_path / "lei.csv", by=world.users["fund_admin"])
    assert not Issuer.objects.exists()
    report = load_lei_records(tmp_path / "lei.csv", by=world.users["secretariat"])
    event = AuditEvent.objects.get(verb="portfolios.load_lei_records")
    assert report.inserted == 3 and event.actor == world.users["secretariat"]
    assert event.after["inserted"] == 3


def test_other_names_become_register_aliases_beside_a_funds_own(
    tmp_path: Path, world: World
) -> None:
    path = tmp_path / "lei.csv"
    lei, country = "5493001KJTIIGC8Y1R12", "NL"
    row = dict.fromkeys(testing.GOLDEN_COPY_HEADER, "")
    row |= {
        "LEI": lei,
        "Entity.LegalName": "Nieuwe Naam N.V.",
        "Entity.OtherEntityNames.OtherEntityName.1": "Oude Naam N.V.",
        "Entity.LegalAddress.Country": country,
    }
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, testing.GOLDEN_COPY_HEADER)
        writer.writeheader()
        writer.writerow(row)
    other = Issuer.objects.create(legal_name="Iets Anders", source=Issuer.Source.GLEIF)
    IssuerAlias.objects.create(
        issuer=other,
        name="Oude Naam N.V.",
        country=country,
        source=IssuerAlias.Source.CONFIRMED_MATCH,
        learned_from_party=world.fund,
    )
    load_lei_records(path)
    register = IssuerAlias.objects.get(learned_from_party__isnull=True)
    assert register.name == "Oude Naam N.V." and register.issuer.lei == lei
    assert IssuerAlias.objects.get(learned_from_party=world.fund).issuer == other
