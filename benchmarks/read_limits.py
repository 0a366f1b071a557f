"""Holdings files over the row limit: how much memory refusing them costs.

Three files of 3,000,000 rows each, within the byte limit but over HOLDINGS_MAX_ROWS (2
million by default): an XLSX of about 30 MB (the shape that once took the server to 1.9 GB
before it was refused), an ODS and a CSV. Each is read in a child process, so its peak
memory is its own; the child must end in the "more than … rows" file error. Prints
`<format>-over-limit-peak-memory = N MB` and the time each refusal took.

Target: each refusal under 400 MB, whatever the file's row count (rows are counted while the
file streams and reading stops at the limit; a CSV is held as bytes, at most
HOLDINGS_MAX_BYTES). Before the counting, the XLSX took the server to 1.9 GB. Run by
`make bench`; no database.
"""

import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from convenant.portfolios.testing import write_raw_xlsx

ROWS = int(os.environ.get("BENCH_OVER_LIMIT_ROWS", 3_000_000))
BATCH = 10_000


def write_xlsx(path: Path, rows: int) -> None:
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Market value</t></is></c></row>'
    )
    batches = (
        "".join(
            f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c></row>'
            for n in range(start, min(start + BATCH, rows + 2))
        )
        for start in range(2, rows + 2, BATCH)
    )
    write_raw_xlsx(path, itertools.chain([header], batches))


def write_ods(path: Path, rows: int) -> None:
    def cell(value: object, kind: str = "float") -> str:
        number = f' office:value="{value}"' if kind == "float" else ""
        return (
            f'<table:table-cell office:value-type="{kind}"{number}>'
            f"<text:p>{value}</text:p></table:table-cell>"
        )

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
            '"text/xml"/></manifest:manifest>',
        )
        with archive.open("content.xml", "w", force_zip64=True) as content:
            content.write(
                b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
                b'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                b'office:version="1.2"><office:body><office:spreadsheet>'
                b'<table:table table:name="Holdings">'
            )
            header = cell("Name", "string") + cell("Market value", "string")
            content.write(f"<table:table-row>{header}</table:table-row>".encode())
            for start in range(2, rows + 2, BATCH):
                content.write(
                    "".join(
                        f"<table:table-row>{cell(n)}{cell(n)}</table:table-row>"
                        for n in range(start, min(start + BATCH, rows + 2))
                    ).encode()
                )
            content.write(
                b"</table:table></office:spreadsheet></office:body></office:document-content>"
            )


def write_csv(path: Path, rows: int) -> None:
    with path.open("w") as out:
        out.write("Name,Market value\n")
        for start in range(0, rows, BATCH):
            out.write("".join(f"Issuer {n},{n}\n" for n in range(start, min(start + BATCH, rows))))


def child(path: Path) -> None:
    """Read one file as the import does and say how it ended."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
    django.setup()
    from django.utils import translation

    from convenant.core.errors import ActionError
    from convenant.portfolios.importing.read import read_table

    translation.activate("en")
    try:
        table = read_table(path, path.name)
    except ActionError as error:
        print(error.messages[0])
        print(f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
        return
    print(f"read {table.frame.height} rows")
    sys.exit(1)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind, write in (("xlsx", write_xlsx), ("ods", write_ods), ("csv", write_csv)):
            path = Path(folder) / f"holdings.{kind}"
            write(path, ROWS)
            size_mb = path.stat().st_size / 1024 / 1024
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, __file__, "child", str(path)],
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.perf_counter() - started
            if result.returncode != 0 or "more than" not in result.stdout:
                raise SystemExit(f"{kind}: not refused as too long: {result.stdout}{result.stderr}")
            peak_mb = float(result.stdout.split("peak ")[-1])
            print(f"{kind}-over-limit-file-size = {size_mb:.0f} MB")
            print(f"{kind}-over-limit-peak-memory = {peak_mb:.0f} MB")
            print(f"{kind}-over-limit-refusal-time = {seconds:.1f} s")
            path.unlink()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "child":
        child(Path(sys.argv[2]))
    else:
        main()
