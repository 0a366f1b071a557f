"""Sample files in GLEIF's layouts, made by the project for its tests, demo and benchmarks.
Every name is fictional; the identifiers have valid check digits but belong to nobody."""

from __future__ import annotations

import csv
import random
import zipfile
from collections.abc import Iterable
from pathlib import Path

from convenant.portfolios import index_mix
from convenant.portfolios.identifiers import isin_check_digit, lei_check_digits


def _address(prefix: str) -> list[str]:
    return [
        f"{prefix}.{part}"
        for part in (
            "xmllang",
            "FirstAddressLine",
            "AddressNumber",
            "AddressNumberWithinBuilding",
            "MailRouting",
            "AdditionalAddressLine.1",
            "AdditionalAddressLine.2",
            "AdditionalAddressLine.3",
            "City",
            "Region",
            "Country",
            "PostalCode",
        )
    ]


def _repeated(prefix: str, parts: tuple[str, ...], times: int = 5) -> list[str]:
    return [f"{prefix}.{n}{part}" for n in range(1, times + 1) for part in parts]


# The header of GLEIF's LEI-CDF 3.1 golden copy and delta files (CSV "lei2"), in its order:
# names, addresses, registration authority, legal form, status, successors, events and the
# registration. The loader reads columns by name; the fixtures carry them all, as GLEIF does.
GOLDEN_COPY_HEADER = [
    "LEI",
    "Entity.LegalName",
    "Entity.LegalName.xmllang",
    *_repeated("Entity.OtherEntityNames.OtherEntityName", ("", ".xmllang", ".type")),
    *_repeated(
        "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName",
        ("", ".xmllang", ".type"),
    ),
    *_address("Entity.LegalAddress"),
    *_address("Entity.HeadquartersAddress"),
    *(
        column
        for n in range(1, 6)
        for column in [
            f"Entity.OtherAddresses.OtherAddress.{n}.type",
            *_address(f"Entity.OtherAddresses.OtherAddress.{n}"),
        ]
    ),
    *(
        column
        for n in range(1, 6)
        for column in [
            f"Entity.TransliteratedOtherAddresses.TransliteratedOtherAddress.{n}.type",
            *_address(f"Entity.TransliteratedOtherAddresses.TransliteratedOtherAddress.{n}"),
        ]
    ),
    "Entity.RegistrationAuthority.RegistrationAuthorityID",
    "Entity.RegistrationAuthority.OtherRegistrationAuthorityID",
    "Entity.RegistrationAuthority.RegistrationAuthorityEntityID",
    "Entity.LegalJurisdiction",
    "Entity.EntityCategory",
    "Entity.EntitySubCategory",
    "Entity.LegalForm.EntityLegalFormCode",
    "Entity.LegalForm.OtherLegalForm",
    "Entity.AssociatedEntity.type",
    "Entity.AssociatedEntity.AssociatedLEI",
    "Entity.AssociatedEntity.AssociatedEntityName",
    "Entity.AssociatedEntity.AssociatedEntityName.xmllang",
    "Entity.EntityStatus",
    "Entity.EntityCreationDate",
    "Entity.EntityExpirationDate",
    "Entity.EntityExpirationReason",
    *_repeated(
        "Entity.SuccessorEntity",
        (".SuccessorLEI", ".SuccessorEntityName", ".SuccessorEntityName.xmllang"),
    ),
    *_repeated(
        "Entity.LegalEntityEvents.LegalEntityEvent",
        (
            ".group_type",
            ".event_status",
            ".group_id",
            ".group_sequence_no",
            ".LegalEntityEventType",
            ".LegalEntityEventEffectiveDate",
            ".LegalEntityEventRecordedDate",
            ".ValidationDocuments",
            ".ValidationReference",
        ),
    ),
    "Registration.InitialRegistrationDate",
    "Registration.LastUpdateDate",
    "Registration.RegistrationStatus",
    "Registration.NextRenewalDate",
    "Registration.ManagingLOU",
    "Registration.ValidationSources",
    "Registration.ValidationAuthority.ValidationAuthorityID",
    "Registration.ValidationAuthority.OtherValidationAuthorityID",
    "Registration.ValidationAuthority.ValidationAuthorityEntityID",
    *_repeated(
        "Registration.OtherValidationAuthorities.OtherValidationAuthority",
        (".ValidationAuthorityID", ".OtherValidationAuthorityID", ".ValidationAuthorityEntityID"),
    ),
    "ConformityFlag",
]
COUNTRIES = [
    "NL",
    "DE",
    "FR",
    "GB",
    "US",
    "JP",
    "CN",
    "IN",
    "BR",
    "ID",
    "MY",
    "PE",
    "ZA",
    "KR",
    "CH",
    "SE",
    "IT",
    "ES",
    "MX",
    "TR",
]
SYLLABLES = [
    "ar",
    "bel",
    "cor",
    "dan",
    "el",
    "fi",
    "gor",
    "hal",
    "is",
    "jor",
    "kel",
    "lun",
    "mar",
    "nor",
    "ol",
    "pra",
    "quin",
    "ros",
    "sel",
    "tor",
    "ul",
    "ven",
    "wes",
    "zan",
]
SECTOR_WORDS = [
    "Mining",
    "Foods",
    "Textiles",
    "Energy",
    "Logistics",
    "Tech",
    "Chemicals",
    "Bank",
    "Retail",
    "Motors",
]
FORMS = ["N.V.", "B.V.", "PLC", "Inc.", "Corp.", "AG", "S.A.", "Ltd", "SE", "S.p.A."]


def fictional_lei(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(18))
    return body + lei_check_digits(body)


def fictional_isin(rng: random.Random, country: str) -> str:
    body = country + "".join(rng.choice("0123456789") for _ in range(9))
    return body + str(isin_check_digit(body))


def fictional_company(rng: random.Random) -> str:
    words = rng.randint(1, 3)
    name = " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(words)
    )
    return f"{name} {rng.choice(SECTOR_WORDS)} {rng.choice(FORMS)}"


def golden_copy_row(values: dict[str, str]) -> list[str]:
    """One record in the golden copy's column order; columns not given are empty."""
    unknown = set(values) - set(GOLDEN_COPY_HEADER)
    if unknown:
        raise ValueError(f"not GLEIF columns: {sorted(unknown)}")
    return [values.get(column, "") for column in GOLDEN_COPY_HEADER]


def write_gleif_records(path: Path, records: Iterable[dict[str, str]]) -> None:
    """A golden-copy or delta file (the same layout) with the given records, quoted as GLEIF
    quotes every cell."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(GOLDEN_COPY_HEADER)
        writer.writerows(golden_copy_row(record) for record in records)


def _entity(lei: str, name: str, country: str, other: str) -> dict[str, str]:
    """One active entity's golden-copy record, with a trading name where ``other`` is one."""
    return {
        "LEI": lei,
        "Entity.LegalName": name,
        "Entity.LegalName.xmllang": "en",
        "Entity.OtherEntityNames.OtherEntityName.1": other,
        "Entity.OtherEntityNames.OtherEntityName.1.xmllang": "en" if other else "",
        "Entity.OtherEntityNames.OtherEntityName.1.type": (
            "TRADING_OR_OPERATING_NAME" if other else ""
        ),
        "Entity.LegalAddress.FirstAddressLine": "1 Example Street",
        "Entity.LegalAddress.City": "Example City",
        "Entity.LegalAddress.Country": country,
        "Entity.HeadquartersAddress.City": "Example City",
        "Entity.HeadquartersAddress.Country": country,
        "Entity.LegalJurisdiction": country,
        "Entity.EntityCategory": "GENERAL",
        "Entity.EntityStatus": "ACTIVE",
        "Registration.InitialRegistrationDate": "2015-01-01T00:00:00Z",
        "Registration.RegistrationStatus": "ISSUED",
    }


def write_golden_copy(path: Path, n: int, *, seed: int = 7) -> list[tuple[str, str, str]]:
    """A LEI-CDF golden-copy CSV with ``n`` fictional entities. Returns (lei, name, country)."""
    rng = random.Random(seed)
    records: list[tuple[str, str, str]] = []

    def rows() -> Iterable[dict[str, str]]:
        for _ in range(n):
            lei, name, country = fictional_lei(rng), fictional_company(rng), rng.choice(COUNTRIES)
            # A trading name derived from the legal one, as GLEIF's other names usually are.
            other = f"{name.rsplit(' ', 1)[0]} Trading" if rng.random() < 0.2 else ""
            records.append((lei, name, country))
            yield _entity(lei, name, country, other)

    write_gleif_records(path, rows())
    return records


# The legal forms companies of a country usually carry (several: one is drawn).
COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    "US": ("Inc.", "Corp.", "Co."),
    "CA": ("Inc.", "Corp.", "Ltd"),
    "GB": ("PLC", "plc", "Group PLC"),
    "IE": ("PLC",),
    "FR": ("S.A.", "SE", "SCA"),
    "DE": ("AG", "SE", "KGaA"),
    "CH": ("AG", "SA", "Holding AG"),
    "AT": ("AG",),
    "NL": ("N.V.", "Holding N.V."),
    "BE": ("NV", "SA"),
    "SE": ("AB", "AB (publ)"),
    "DK": ("A/S",),
    "NO": ("ASA",),
    "FI": ("Oyj", "Abp"),
    "IT": ("S.p.A.",),
    "ES": ("S.A.",),
    "PT": ("SGPS S.A.", "S.A."),
    "GR": ("S.A.",),
    "JP": ("Co. Ltd.", "Holdings Inc.", "Corporation", "K.K."),
    "KR": ("Co. Ltd.", "Corp."),
    "CN": ("Co. Ltd.", "Group Co. Ltd."),
    "TW": ("Corp.", "Co. Ltd."),
    "HK": ("Holdings Ltd", "Ltd"),
    "SG": ("Ltd", "Holdings Ltd"),
    "AU": ("Ltd", "Group Ltd"),
    "NZ": ("Ltd",),
    "IN": ("Ltd", "Industries Ltd"),
    "IL": ("Ltd",),
    "ZA": ("Ltd", "Holdings Ltd"),
    "BR": ("S.A.",),
    "MX": ("S.A.B. de C.V.",),
    "CL": ("S.A.",),
    "CO": ("S.A.",),
    "PE": ("S.A.A.",),
    "ID": ("Tbk",),
    "MY": ("Bhd", "Berhad"),
    "TH": ("PCL",),
    "PH": ("Inc.", "Corp."),
    "TR": ("A.S.",),
    "PL": ("S.A.",),
    "HU": ("Nyrt.",),
    "SA": ("Co.",),
    "AE": ("PJSC",),
    "QA": ("QPSC",),
    "KW": ("K.S.C.P.",),
    "EG": ("S.A.E.",),
}


def index_company_name(rng: random.Random, company: index_mix.Company) -> str:
    """A fictional name that fits the company: invented syllables, a word of its industry and
    a legal form of its country ("Korvel Semiconductor Co. Ltd.")."""
    words = rng.choices([1, 2], [3, 1])[0]
    base = " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(words)
    )
    forms = COUNTRY_FORMS.get(company.country, FORMS)
    return f"{base} {rng.choice(company.industry.words)} {rng.choice(forms)}"


def write_index_golden_copy(
    path: Path, n: int, *, seed: int
) -> list[tuple[str, str, index_mix.Company]]:
    """A golden copy of ``n`` fictional companies spread over countries and industries as a
    global equity index is (see ``index_mix``). Returns (lei, name, company)."""
    rng = random.Random(seed)
    records = [
        (fictional_lei(rng), index_company_name(rng, company), company)
        for company in index_mix.companies(n, seed=seed)
    ]

    def rows() -> Iterable[dict[str, str]]:
        for lei, name, company in records:
            other = f"{name.rsplit(' ', 1)[0]} Trading" if rng.random() < 0.2 else ""
            yield _entity(lei, name, company.country, other)

    write_gleif_records(path, rows())
    return records


def write_isin_mapping(
    path: Path, leis: list[tuple[str, str, str]], *, per_lei: int = 2, seed: int = 8
) -> list[tuple[str, str]]:
    """GLEIF's ISIN-to-LEI file layout for the given entities. Returns (lei, isin) pairs."""
    rng = random.Random(seed)
    pairs = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LEI", "ISIN"])
        for lei, _name, country in leis:
            for _ in range(rng.randint(1, per_lei)):
                isin = fictional_isin(rng, country)
                writer.writerow([lei, isin])
                pairs.append((lei, isin))
    return pairs


def write_ods(path: Path, rows: list[list[object]]) -> None:
    """A minimal OpenDocument spreadsheet with one sheet, for tests of the ODS reader."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )

    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Holdings">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)


def write_raw_xlsx(path: Path, rows: Iterable[str], prefix: str = "") -> None:
    """An XLSX whose sheet XML is written as given (each string one or more <row>s), as a
    generator of hostile files would: for the readers' tests and their benchmark. With
    ``prefix`` the SpreadsheetML elements carry that namespace prefix."""
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns{':' + prefix if prefix else ''}"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<{p}worksheet {ns}="{main}"><{p}sheetData>'.encode())
            for row in rows:
                sheet.write(row.replace("<", f"<{p}").replace(f"<{p}/", f"</{p}").encode())
            sheet.write(f"</{p}sheetData></{p}worksheet>".encode())
