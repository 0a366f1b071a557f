"""`convenant import_holdings`: the same import from the command line, its messages in the
active language, and a clear error for each bad argument, with nothing imported."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from convenant.core.testing import World
from convenant.portfolios.models import Position, Snapshot
from convenant.portfolios.tests.test_holdings_import import CSV_NL, setup, write

__all__ = ["setup"]  # the fixture, shared with the action's tests

BAD_ROW = (
    "ISIN;Naam;Land;Marktwaarde;Valuta\nNL0010273216;ASML;NL;100;EUR\nNL0010273215;ASML;NL;5;EUR\n"
)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_holdings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_cli_imports_a_file_and_says_what_came_of_it(setup: World, tmp_path: Path) -> None:
    out, _err = run(str(write(tmp_path, "p.csv", CSV_NL)), "--fund", "fa", "--as-of", "2024-12-31")
    assert out.startswith("FA 2024-12-31: 3 positions imported (3 matched, 0 to review")
    assert Position.objects.filter(snapshot__fund=setup.fund).count() == 3


def test_rejected_rows_are_listed_in_the_active_language(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", BAD_ROW)
    with translation.override("nl"), pytest.raises(CommandError) as refused:
        call_command(
            "import_holdings",
            str(path),
            "--fund",
            "FA",
            "--as-of",
            "2024-12-31",
            stdout=io.StringIO(),
            stderr=(err := io.StringIO()),
        )
    assert "regel 2, kolom ISIN: het controlecijfer van “NL0010273216” klopt niet" in err.getvalue()
    assert "1 van de 2 rijen zijn geweigerd" in str(refused.value)
    assert not Snapshot.objects.exists()


def test_valid_rows_imported_and_rejected_rows_written(setup: World, tmp_path: Path) -> None:
    rejected = tmp_path / "afgewezen.csv"
    out, _err = run(
        str(write(tmp_path, "p.csv", BAD_ROW)),
        "--fund",
        "FA",
        "--as-of",
        "2024-12-31",
        "--import-valid-rows",
        "--rejected",
        str(rejected),
    )
    assert "1 positions imported" in out and "1 rows rejected" in out
    assert "NL0010273216" in rejected.read_text(encoding="utf-8-sig")


def test_unknown_columns_are_named_on_the_command_line(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "Code;Bedrag;Valuta\nNL0010273215;100;EUR\n")
    with pytest.raises(CommandError, match="Columns in the file: Code, Bedrag, Valuta"):
        run(str(path), "--fund", "FA", "--as-of", "2024-12-31")
    out, _err = run(
        str(path),
        "--fund",
        "FA",
        "--as-of",
        "2024-12-31",
        "--map",
        "Code=isin",
        "--map",
        "Bedrag=market_value",
    )
    assert "1 positions imported" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fund", "FA", "--as-of", "2024-12-31", "--path-missing"], "no such file"),
        (["--fund", "ZZ", "--as-of", "2024-12-31"], "No party with code ZZ"),
        (["--fund", "FA", "--as-of", "31-12-2024"], "--as-of must be a date as YYYY-MM-DD"),
        (["--fund", "FA", "--as-of", "2999-12-31"], "lies in the future"),
        (["--fund", "FA", "--as-of", "2024-12-31", "--by", "x@example.org"], "Nobody"),
        (["--fund", "FB", "--as-of", "2024-12-31", "--by", "x@example.org"], "Nobody"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_imported(
    setup: World, tmp_path: Path, args: list[str], message: str
) -> None:
    path = (
        str(tmp_path / "missing.csv")
        if "--path-missing" in args
        else str(write(tmp_path, "p.csv", CSV_NL))
    )
    with pytest.raises(CommandError, match=message):
        run(path, *[a for a in args if a != "--path-missing"])
    assert not Snapshot.objects.exists()


def test_help_lists_every_field_by_key_and_name() -> None:
    from convenant.portfolios.management.commands.import_holdings import Command

    text = " ".join(Command().create_parser("convenant", "import_holdings").format_help().split())
    for shown in (
        "market_value (Market value)",
        "country (Country)",
        "--currency CCY",
        "--partial",
    ):
        assert shown in text, shown


def test_the_files_currency_is_given_on_the_command_line(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "Naam;Marktwaarde\nVoorbeeld BV;104\n")
    out, _err = run(str(path), "--fund", "FA", "--as-of", "2024-12-31", "--currency", "usd")
    assert "1 positions imported" in out
    assert Snapshot.objects.get().total_value_eur == 100
    with pytest.raises(CommandError, match="“US” is not a currency code"):
        run(str(path), "--fund", "FA", "--as-of", "2024-06-30", "--currency", "US")
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize(
    "maps",
    [
        ["Code=isin", "Bedrag=market_value"],  # heading=key
        ["Code=ISIN", "Bedrag=Market value"],  # heading=name in English
        ["ISIN=Code", "Marktwaarde=Bedrag"],  # name in Dutch=heading
    ],
)
def test_map_takes_the_fields_as_people_see_them(
    setup: World, tmp_path: Path, maps: list[str]
) -> None:
    path = write(tmp_path, "p.csv", "Code;Bedrag;Valuta\nNL0010273215;100;EUR\n")
    out, _err = run(
        str(path), "--fund", "FA", "--as-of", "2024-12-31", *(a for m in maps for a in ("--map", m))
    )
    assert "1 positions imported" in out


def test_missing_columns_name_the_files_likely_candidates(setup: World, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "Code;Waarde x1;Valuta\nNL0010273215;100;EUR\n")
    with pytest.raises(CommandError) as asked:
        run(str(path), "--fund", "FA", "--as-of", "2024-12-31")
    message = str(asked.value)
    assert "Market value (perhaps “Waarde x1”)" in message
    assert "Columns in the file: Code, Waarde x1, Valuta" in message
    assert "one of these fields: ISIN (isin); LEI (lei)" in message
    with pytest.raises(CommandError, match=r"Unknown field: Prijs\. The fields are: ISIN"):
        run(str(path), "--fund", "FA", "--as-of", "2024-12-31", "--map", "Waarde x1=Prijs")
    with pytest.raises(CommandError, match="--map takes HEADING=FIELD"):
        run(str(path), "--fund", "FA", "--as-of", "2024-12-31", "--map", "Waarde x1")
    assert not Snapshot.objects.exists()


def test_one_import_speaks_one_language(setup: World, tmp_path: Path) -> None:
    """Given --language nl, every message of the import is Dutch, the command's own too."""
    path = write(tmp_path, "p.csv", "Code;Waarde x1;Valuta\nNL0010273215;100;EUR\n")
    with pytest.raises(CommandError) as asked:
        run(str(path), "--fund", "FA", "--as-of", "2024-12-31", "--language", "nl")
    message = str(asked.value)
    assert "Kolommen in het bestand: Code, Waarde x1, Valuta" in message
    assert "Marktwaarde (misschien “Waarde x1”)" in message
    assert "Marktwaarde (market_value)" in message
    assert "Columns" not in message and "perhaps" not in message
    with pytest.raises(CommandError, match="Geen partij met code ZZ"):
        run(str(path), "--fund", "ZZ", "--as-of", "2024-12-31", "--language", "nl")


def test_a_much_smaller_file_needs_complete_or_partial(setup: World, tmp_path: Path) -> None:
    """Given the fund's snapshot of three positions, a file of one position for a later date
    is refused with both sides named, until --complete or --partial says what it is."""
    run(str(write(tmp_path, "p.csv", CSV_NL)), "--fund", "FA", "--as-of", "2024-06-30")
    one = write(tmp_path, "een.csv", "ISIN;Naam;Marktwaarde;Valuta\nNL0010273215;ASML;100;EUR\n")
    with pytest.raises(CommandError, match="--complete") as refused:
        run(str(one), "--fund", "FA", "--as-of", "2024-12-31")
    assert "much less" in str(refused.value) and Snapshot.objects.count() == 1
    with pytest.raises(CommandError, match="not allowed with argument"):
        run(str(one), "--fund", "FA", "--as-of", "2024-12-31", "--complete", "--partial")
    out, _err = run(str(one), "--fund", "FA", "--as-of", "2024-12-31", "--partial")
    assert "Kept as a partial snapshot" in out
    assert Snapshot.objects.get(as_of="2024-12-31").partial
    out, _err = run(str(one), "--fund", "FA", "--as-of", "2024-12-31", "--complete")
    assert not Snapshot.objects.get(as_of="2024-12-31").partial
