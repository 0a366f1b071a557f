"""Loading GLEIF files: the golden copy, its delta files and the ISIN map, writing only what
changed, with bad rows reported by line and column, and a bad file leaving the register as
it was."""

import csv
import io
import random
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection

from convenant.core.errors import ActionError
from convenant.core.models import AuditEvent
from convenant.core.testing import World
from convenant.portfolios import gleif, testing
from convenant.portfolios.actions.register import load_isin_mapping, load_lei_records
from convenant.portfolios.matching import Decision, Matcher, Query
from convenant.portfolios.models import Issuer, IssuerAlias, IssuerIdentifier
from convenant.portfolios.names import normalize_name

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
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 250)
    assert Issuer.objects.count() == 250

    isins = load_isin_mapping(tmp_path / "isin.csv")
    assert isins.inserted == len({isin for _lei, isin in pairs})
    isins_again = load_isin_mapping(tmp_path / "isin.csv")
    assert (isins_again.inserted, isins_again.updated) == (0, 0)
    assert isins_again.unchanged == isins.inserted
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
    lines.append('"529900T8BM49AURSDO55","","en"' + ',""' * 13)  # no legal name, cut short
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


OTHER = "Entity.OtherEntityNames.OtherEntityName"
TRANSLITERATED = "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName"
# Fictional entities with valid LEI check digits, written as GLEIF writes such records.
ZARYA, HOKUTO, NORD = "5299001ZARYANEFT0R29", "353800HOKUTODENKI041", "529900NORDMETALL0R19"


def record(lei: str, name: str, country: str, **columns: str) -> dict[str, str]:
    return {
        "LEI": lei,
        "Entity.LegalName": name,
        "Entity.LegalAddress.Country": country,
        "Entity.HeadquartersAddress.Country": country,
        "Entity.EntityStatus": "ACTIVE",
        "Registration.RegistrationStatus": "ISSUED",
        **columns,
    }


def scripts_register() -> list[dict[str, str]]:
    return [
        record(
            ZARYA,
            'ПАО "Зарянефть"',
            "RU",
            **{
                "Entity.LegalName.xmllang": "ru",
                f"{OTHER}.1": 'PJSC "Zaryaneft"',
                f"{OTHER}.1.xmllang": "en",
                f"{OTHER}.1.type": "ALTERNATIVE_LANGUAGE_LEGAL_NAME",
                f"{TRANSLITERATED}.1": 'PAO "ZARYANEFT"',
                f"{TRANSLITERATED}.1.xmllang": "ru-Latn",
                f"{TRANSLITERATED}.1.type": "PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME",
                f"{TRANSLITERATED}.2": 'PUBLICHNOE AKTSIONERNOE OBSHCHESTVO "ZARYANEFT"',
                f"{TRANSLITERATED}.2.type": "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME",
            },
        ),
        record(
            HOKUTO,
            "北斗電機株式会社",
            "JP",
            **{
                "Entity.LegalName.xmllang": "ja",
                f"{TRANSLITERATED}.1": "Hokuto Denki K.K.",
                f"{TRANSLITERATED}.1.xmllang": "ja-Latn",
                f"{TRANSLITERATED}.1.type": "PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME",
                f"{TRANSLITERATED}.2": "HOKUTO DENKI KABUSHIKI KAISHA",
                f"{TRANSLITERATED}.2.type": "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME",
            },
        ),
        record(NORD, "Nordmetall AG", "DE", **{f"{OTHER}.1": "Nordmetall Holding AG"}),
    ]


def xact_writes() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per register table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname IN ('portfolios_issuer', 'portfolios_issueralias',"
            " 'portfolios_issueridentifier')"
        )
        return {name: tuple(counts) for name, *counts in cursor.fetchall()}


def row_versions() -> set[tuple[int, str, str]]:
    """(issuer, row, version) of every issuer and alias row: a rewritten row gets a new one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, 'issuer', xmin::text || ctid::text FROM portfolios_issuer"
            " UNION ALL SELECT issuer_id, 'alias' || id, xmin::text || ctid::text"
            " FROM portfolios_issueralias"
        )
        return set(cursor.fetchall())


def test_names_in_other_scripts_load_with_their_transliterations(tmp_path: Path) -> None:
    testing.write_gleif_records(tmp_path / "lei.csv", scripts_register())
    report = load_lei_records(tmp_path / "lei.csv")

    zarya = Issuer.objects.get(lei=ZARYA)
    assert zarya.legal_name == 'ПАО "Зарянефть"'  # kept in its own script
    assert (zarya.registration_status, zarya.entity_status) == ("ISSUED", "ACTIVE")
    # One register alias per distinct normalised name, the first the record gives, with
    # the source and the entity's country.
    expected: dict[str, tuple[str, str, str]] = {}
    for name, source in [
        ('PJSC "Zaryaneft"', IssuerAlias.Source.GLEIF),
        ('PAO "ZARYANEFT"', IssuerAlias.Source.TRANSLITERATED),
        ('PUBLICHNOE AKTSIONERNOE OBSHCHESTVO "ZARYANEFT"', IssuerAlias.Source.TRANSLITERATED),
    ]:
        expected.setdefault(normalize_name(name), (name, source, "RU"))
    assert {a.normalized_name: (a.name, a.source, a.country) for a in zarya.aliases.all()} == (
        expected
    )
    hokuto = Issuer.objects.get(lei=HOKUTO)
    assert hokuto.legal_name == "北斗電機株式会社"
    assert {a.source for a in hokuto.aliases.all()} == {IssuerAlias.Source.TRANSLITERATED}
    assert report.inserted == 3
    assert report.aliases_added == IssuerAlias.objects.count()

    # A holdings file writes these companies in Latin letters, with or without a country.
    results = Matcher.for_register().match(
        [
            Query(key=1, name="ZARYANEFT PJSC", country="RU"),
            Query(key=2, name="HOKUTO DENKI KK", country="JP"),
        ]
    )
    assert [(r.decision, r.issuer_id) for r in results] == [
        (Decision.MATCHED, zarya.pk),
        (Decision.MATCHED, hokuto.pk),
    ]


def test_reloading_the_same_file_writes_no_row(tmp_path: Path) -> None:
    testing.write_gleif_records(tmp_path / "scripts.csv", scripts_register())
    load_lei_records(tmp_path / "scripts.csv")
    records = testing.write_golden_copy(tmp_path / "lei.csv", 120)
    testing.write_isin_mapping(tmp_path / "isin.csv", records)
    load_lei_records(tmp_path / "lei.csv", batch_size=50)
    load_isin_mapping(tmp_path / "isin.csv")
    writes, versions = xact_writes(), row_versions()

    again = load_lei_records(tmp_path / "lei.csv", batch_size=50)
    scripts = load_lei_records(tmp_path / "scripts.csv")
    isins = load_isin_mapping(tmp_path / "isin.csv")

    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 120)
    assert (scripts.aliases_added, scripts.aliases_removed) == (0, 0)
    assert (isins.inserted, isins.updated) == (0, 0)
    assert xact_writes() == writes  # not one row inserted, updated or deleted
    assert row_versions() == versions


def test_a_changed_record_rewrites_only_itself_and_its_changed_names(
    tmp_path: Path, world: World
) -> None:
    register = scripts_register()
    testing.write_gleif_records(tmp_path / "before.csv", register)
    load_lei_records(tmp_path / "before.csv")
    nord = Issuer.objects.get(lei=NORD)
    own = IssuerAlias.objects.create(
        issuer=nord,
        name="NORDMETALL",
        source=IssuerAlias.Source.CONFIRMED_MATCH,
        learned_from_party=world.fund,
    )
    untouched = {v for v in row_versions() if v[0] != nord.pk}

    register[2] |= {
        "Entity.LegalName": "Nordmetall SE",
        f"{OTHER}.1": "Nordmetall AG",
        f"{OTHER}.1.type": "PREVIOUS_LEGAL_NAME",
    }
    testing.write_gleif_records(tmp_path / "after.csv", register)
    report = load_lei_records(tmp_path / "after.csv")

    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    assert (report.aliases_added, report.aliases_removed) == (1, 1)
    nord.refresh_from_db()
    assert nord.legal_name == "Nordmetall SE"
    assert {a.name for a in nord.aliases.filter(learned_from_party=None)} == {"Nordmetall AG"}
    assert IssuerAlias.objects.filter(pk=own.pk).exists()  # a fund's own name stays
    assert untouched <= row_versions()  # the other records and their names: not rewritten


def test_a_delta_file_marks_ended_registrations_and_links_mergers(tmp_path: Path) -> None:
    testing.write_gleif_records(tmp_path / "golden.csv", scripts_register())
    load_lei_records(tmp_path / "golden.csv")
    retired_lei = testing.fictional_lei(random.Random(3))
    testing.write_gleif_records(
        tmp_path / "delta.csv",
        [
            # Nordmetall merged into Hokuto: GLEIF retires its LEI and names the successor.
            record(
                NORD,
                "Nordmetall AG",
                "DE",
                **{
                    f"{OTHER}.1": "Nordmetall Holding AG",
                    "Entity.EntityStatus": "INACTIVE",
                    "Entity.EntityExpirationReason": "CORPORATE_ACTION",
                    "Entity.SuccessorEntity.1.SuccessorLEI": HOKUTO,
                    "Registration.RegistrationStatus": "MERGED",
                },
            ),
            # Zaryaneft did not renew its LEI: lapsed, the company itself stands.
            record(ZARYA, 'ПАО "Зарянефть"', "RU", **{"Registration.RegistrationStatus": "LAPSED"}),
            # A new entity, retired in the same period.
            record(
                retired_lei,
                "Kortstondig B.V.",
                "NL",
                **{
                    "Entity.EntityStatus": "INACTIVE",
                    "Registration.RegistrationStatus": "RETIRED",
                },
            ),
        ],
    )
    out = io.StringIO()
    call_command("load_gleif", delta=tmp_path / "delta.csv", stdout=out)

    assert "3 rows read, 1 added, 2 updated, 0 unchanged, 0 skipped" in out.getvalue()
    nord, hokuto = Issuer.objects.get(lei=NORD), Issuer.objects.get(lei=HOKUTO)
    assert (nord.registration_status, nord.entity_status) == ("MERGED", "INACTIVE")
    assert nord.merged_into == hokuto and nord.resolved() == hokuto  # kept, not deleted
    zarya = Issuer.objects.get(lei=ZARYA)
    assert (zarya.registration_status, zarya.merged_into) == ("LAPSED", None)
    assert zarya.aliases.count() == 0  # the delta's record carries no other names any more
    assert Issuer.objects.get(lei=retired_lei).registration_status == "RETIRED"
    event = AuditEvent.objects.filter(verb="portfolios.load_lei_records").latest("pk")
    assert (event.after["kind"], event.after["ended"], event.after["merged"]) == ("delta", 2, 1)


def test_entities_merging_into_each_other_make_no_cycle(tmp_path: Path) -> None:
    merged = {"Entity.EntityStatus": "INACTIVE", "Registration.RegistrationStatus": "MERGED"}
    successor = "Entity.SuccessorEntity.1.SuccessorLEI"
    testing.write_gleif_records(
        tmp_path / "delta.csv",
        [
            record(NORD, "Nordmetall AG", "DE", **merged, **{successor: HOKUTO}),
            record(HOKUTO, "北斗電機株式会社", "JP", **merged, **{successor: NORD}),
            record(ZARYA, 'ПАО "Зарянефть"', "RU", **merged, **{successor: "not an LEI"}),
        ],
    )
    report = load_lei_records(tmp_path / "delta.csv", delta=True)
    assert (report.inserted, report.ended, report.merged) == (3, 3, 0)
    assert not Issuer.objects.filter(merged_into__isnull=False).exists()
    assert set(Issuer.objects.values_list("registration_status", flat=True)) == {"MERGED"}


def issuer_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'portfolios_issuer'")
        return {definition for (definition,) in cursor.fetchall()}


def test_a_first_load_builds_the_register_indexes_once_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The golden copy's millions of records, scaled down: a file far larger than the register.
    records = testing.write_golden_copy(tmp_path / "lei.csv", 40)
    monkeypatch.setattr(gleif, "BULK_MIN_RECORDS", 10)
    monkeypatch.setattr(gleif, "BYTES_PER_RECORD", (tmp_path / "lei.csv").stat().st_size // 40)
    indexes = issuer_indexes()

    report = load_lei_records(tmp_path / "lei.csv", batch_size=15)

    assert report.inserted == 40 and report.indexes_rebuilt >= 2
    assert issuer_indexes() == indexes  # every index back, as it was defined
    lei, name, _country = records[7]
    assert list(Issuer.objects.search(name[:12]).values_list("lei", flat=True)).count(lei) == 1
    # The register is no longer small beside the file: a refresh keeps the indexes.
    assert load_lei_records(tmp_path / "lei.csv").indexes_rebuilt == 0
