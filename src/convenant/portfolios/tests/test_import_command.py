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
    assert "1 van de 2 rijen zijn niet leesbaar" in str(refused.value)
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
