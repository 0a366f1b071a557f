"""The issuer register at GLEIF's scale: write a golden copy of 2,500,000 fictional entities in
GLEIF's LEI-CDF CSV layout (all ~290 columns; about 15 % in the US, a few % each in China,
Japan, South Korea and Russia with legal names in their own scripts plus the transliterations
GLEIF publishes, other names, lapsed and retired registrations), load it with the loader that
`convenant load_gleif` uses, then load the same file again: a refresh that should write
nothing and so not grow the database. Targets: the load at most 300 s, memory bounded.

Prints `gleif-load-2500k`, `gleif-load-2500k-peak-memory`, `gleif-reload-2500k-unchanged`
and `gleif-reload-growth`, then removes the issuers it loaded. Run by `make bench`;
`GLEIF_BENCH_ENTITIES=250000` for a quick run.
"""

import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings_test")
django.setup()

from django.db import connection  # noqa: E402

from convenant.portfolios import testing  # noqa: E402
from convenant.portfolios.actions.register import load_lei_records  # noqa: E402

ENTITIES = int(os.environ.get("GLEIF_BENCH_ENTITIES", "2500000"))

# Country shares, roughly as in the golden copy; the rest spread over the others.
SHARES = [("US", 15.0), ("CN", 4.0), ("JP", 3.0), ("KR", 2.0), ("RU", 2.0), ("GB", 7.0)]
OTHERS = ["DE", "NL", "FR", "IT", "ES", "CA", "AU", "IN", "BR", "CH", "SE", "LU", "IE", "KY"]
OTHERS += ["DK", "NO", "FI", "AT", "BE", "PL", "CZ", "HU", "PT", "GR", "TR", "MX", "ZA", "SG"]
OTHERS += ["HK", "TW", "ID", "MY", "TH", "AE", "SA", "IL", "NZ", "CL", "PE", "BM", "JE", "VG"]

# Syllables in each script with the Latin transliteration GLEIF would publish for them.
SCRIPTS = {
    "RU": [
        ("за", "za"),
        ("ря", "rya"),
        ("не", "ne"),
        ("фть", "ft"),
        ("ка", "ka"),
        ("ми", "mi"),
        ("ро", "ro"),
        ("се", "se"),
        ("вер", "ver"),
        ("тал", "tal"),
        ("гор", "gor"),
        ("ль", "l"),
        ("до", "do"),
        ("ну", "nu"),
        ("лес", "les"),
        ("пром", "prom"),
        ("энер", "ener"),
    ],
    "JP": [
        ("北", "hoku"),
        ("斗", "to"),
        ("電", "den"),
        ("機", "ki"),
        ("日", "nichi"),
        ("本", "hon"),
        ("山", "yama"),
        ("田", "ta"),
        ("東", "to"),
        ("京", "kyo"),
        ("光", "hikari"),
        ("石", "ishi"),
        ("川", "kawa"),
        ("精", "sei"),
        ("工", "ko"),
        ("化", "ka"),
        ("成", "sei"),
        ("松", "matsu"),
    ],
    "CN": [
        ("华", "hua"),
        ("中", "zhong"),
        ("国", "guo"),
        ("新", "xin"),
        ("海", "hai"),
        ("天", "tian"),
        ("长", "chang"),
        ("江", "jiang"),
        ("金", "jin"),
        ("安", "an"),
        ("平", "ping"),
        ("信", "xin"),
        ("达", "da"),
        ("兴", "xing"),
        ("广", "guang"),
        ("东", "dong"),
        ("建", "jian"),
        ("宏", "hong"),
    ],
    "KR": [
        ("삼", "sam"),
        ("성", "sung"),
        ("현", "hyun"),
        ("대", "dae"),
        ("한", "han"),
        ("국", "guk"),
        ("동", "dong"),
        ("양", "yang"),
        ("신", "shin"),
        ("세", "se"),
        ("진", "jin"),
        ("우", "woo"),
        ("미", "mi"),
        ("래", "rae"),
        ("금", "geum"),
        ("호", "ho"),
        ("산", "san"),
        ("정", "jeong"),
    ],
}
# Native legal name, transliterated legal name (AUTO), preferred ASCII name, English name.
FORMS = {
    "RU": ('ПАО ""{n}""', 'PAO ""{t}""', 'PJSC ""{T}""', "{T} PJSC"),
    "JP": ("{n}株式会社", "{T} KABUSHIKI KAISHA", "{T} K.K.", "{T} Co., Ltd."),
    "CN": ("{n}有限公司", "{T} YOUXIAN GONGSI", "{T} Co., Ltd.", "{T} Company Limited"),
    "KR": ("주식회사 {n}", "JUSIKHOESA {T}", "{T} Co., Ltd.", "{T} Corporation"),
}
STATUSES = [("ISSUED", "ACTIVE", 70.0), ("LAPSED", "ACTIVE", 25.0), ("RETIRED", "INACTIVE", 3.5)]
STATUSES += [("MERGED", "INACTIVE", 1.0), ("ANNULLED", "ACTIVE", 0.3), ("DUPLICATE", "ACTIVE", 0.2)]
# Columns this generator fills, in the order of GLEIF's header; every other cell is empty.
FILLED = [
    "LEI",
    "Entity.LegalName",
    "Entity.LegalName.xmllang",
    "Entity.OtherEntityNames.OtherEntityName.1",
    "Entity.OtherEntityNames.OtherEntityName.1.xmllang",
    "Entity.OtherEntityNames.OtherEntityName.1.type",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1.xmllang",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.1.type",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.2",
    "Entity.TransliteratedOtherEntityNames.TransliteratedOtherEntityName.2.type",
    "Entity.LegalAddress.FirstAddressLine",
    "Entity.LegalAddress.City",
    "Entity.LegalAddress.Country",
    "Entity.LegalAddress.PostalCode",
    "Entity.HeadquartersAddress.FirstAddressLine",
    "Entity.HeadquartersAddress.City",
    "Entity.HeadquartersAddress.Country",
    "Entity.HeadquartersAddress.PostalCode",
    "Entity.RegistrationAuthority.RegistrationAuthorityID",
    "Entity.RegistrationAuthority.RegistrationAuthorityEntityID",
    "Entity.LegalJurisdiction",
    "Entity.EntityCategory",
    "Entity.LegalForm.EntityLegalFormCode",
    "Entity.EntityStatus",
    "Entity.EntityCreationDate",
    "Entity.SuccessorEntity.1.SuccessorLEI",
    "Registration.InitialRegistrationDate",
    "Registration.LastUpdateDate",
    "Registration.RegistrationStatus",
    "Registration.NextRenewalDate",
    "Registration.ManagingLOU",
    "Registration.ValidationSources",
    "Registration.ValidationAuthority.ValidationAuthorityID",
    "Registration.ValidationAuthority.ValidationAuthorityEntityID",
    "ConformityFlag",
]
LOUS = ["5299", "5493", "2138", "9695", "3003", "8945", "3358", "9845", "2549", "8156"]


def lei(n: int) -> str:
    """A distinct, valid LEI per n (digits only, so the ISO 7064 check is one modulo)."""
    body = f"{LOUS[n % len(LOUS)]}00{(n * 7_919 + 104_729) % 10**12:012d}"
    return f"{body}{98 - int(body) * 100 % 97:02d}"


def entities(n: int, seed: int = 2500) -> Iterator[str]:
    """CSV lines of the golden copy: the header, then ``n`` entities, every cell quoted as
    GLEIF quotes them. Lines are formatted from one template (the csv module per cell would
    take longer than the load)."""
    rng = random.Random(seed)
    header = testing.GOLDEN_COPY_HEADER
    filled = set(FILLED)
    yield ",".join(f'"{c}"' for c in header) + "\n"
    template = ",".join('"{}"' if c in filled else '""' for c in header) + "\n"
    countries = [c for c, _ in SHARES] + OTHERS
    rest = (100 - sum(s for _, s in SHARES)) / len(OTHERS)
    weights = [s for _, s in SHARES] + [rest] * len(OTHERS)
    statuses = [(r, e) for r, e, _ in STATUSES]
    status_weights = [w for _, _, w in STATUSES]
    # Base names are drawn from a pool, so normalising repeats, as in the real register.
    pool = [testing.fictional_company(rng).rsplit(" ", 1)[0] for _ in range(200_000)]
    forms = ["Inc.", "LLC", "Ltd", "PLC", "GmbH", "B.V.", "S.A.", "AG", "AB", "LP", "Corp."]
    batch = 10_000
    for start in range(0, n, batch):
        picked = rng.choices(countries, weights, k=min(batch, n - start))
        status = rng.choices(statuses, status_weights, k=len(picked))
        for offset, country in enumerate(picked):
            i = start + offset
            registration, entity_status = status[offset]
            other = other_lang = other_type = t1 = t1_lang = t1_type = t2 = t2_type = ""
            if country in SCRIPTS:
                syllables = rng.choices(SCRIPTS[country], k=rng.randint(2, 4))
                native = "".join(s for s, _ in syllables)
                latin = "".join(t for _, t in syllables)
                native_form, auto, preferred, english = FORMS[country]
                legal = native_form.format(n=native.capitalize() if country == "RU" else native)
                lang = {"RU": "ru", "JP": "ja", "CN": "zh", "KR": "ko"}[country]
                t1 = preferred.format(T=latin.capitalize())
                t1_lang, t1_type = f"{lang}-Latn", "PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME"
                t2 = auto.format(t=latin.upper(), T=latin.upper())
                t2_type = "AUTO_ASCII_TRANSLITERATED_LEGAL_NAME"
                if rng.random() < 0.5:
                    other, other_lang = english.format(T=latin.capitalize()), "en"
                    other_type = "ALTERNATIVE_LANGUAGE_LEGAL_NAME"
            else:
                lang = "en"
                base = pool[rng.randrange(len(pool))]
                legal = f"{base} {rng.choice(testing.SECTOR_WORDS)} {rng.choice(forms)}"
                if rng.random() < 0.2:
                    other, other_lang = f"{base} Trading", "en"
                    other_type = "TRADING_OR_OPERATING_NAME"
            successor = lei(rng.randrange(n)) if registration == "MERGED" else ""
            yield template.format(
                lei(i),
                legal,
                lang,
                other,
                other_lang,
                other_type,
                t1,
                t1_lang,
                t1_type,
                t2,
                t2_type,
                f"{rng.randint(1, 999)} Main Street",
                "Example City",
                country,
                f"{rng.randint(1000, 99999)}",
                f"{rng.randint(1, 999)} Main Street",
                "Example City",
                country,
                f"{rng.randint(1000, 99999)}",
                "RA000665",
                f"{i:08d}",
                country,
                "GENERAL",
                "8888",
                entity_status,
                "2001-01-01T00:00:00Z",
                successor,
                "2014-06-01T00:00:00Z",
                "2026-11-01T08:00:00Z",
                registration,
                "2027-06-01T00:00:00Z",
                LOUS[i % len(LOUS)] + "00PM0KVGKCLM81",
                "FULLY_CORROBORATED",
                "RA000665",
                f"{i:08d}",
                "CONFORMING" if registration == "ISSUED" else "NON_CONFORMING",
            )


def server_cpu_s() -> float:
    """CPU seconds of this connection's PostgreSQL backend (the cluster runs on this machine):
    with other work on the machine, CPU time says more than the wall clock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def register_size_mb() -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('portfolios_issuer')"
            " + pg_total_relation_size('portfolios_issueralias')"
        )
        return float(cursor.fetchone()[0]) / 1e6


def remove_loaded(last_id: int) -> None:
    """Take the benchmark's issuers out again, so the benchmarks after this one measure the
    register they build themselves, not 2.5 million issuers more."""
    with connection.cursor() as cursor:
        if last_id == 0:  # the register was empty: nothing else can refer to these issuers
            cursor.execute("TRUNCATE portfolios_issuer CASCADE")
            return
        cursor.execute("DELETE FROM portfolios_issueralias WHERE issuer_id > %s", [last_id])
        cursor.execute("DELETE FROM portfolios_issuer WHERE id > %s", [last_id])
        cursor.execute("VACUUM ANALYZE portfolios_issuer, portfolios_issueralias")


def main() -> None:
    label = f"{ENTITIES // 1000}k"
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM portfolios_issuer")
        last_id = cursor.fetchone()[0]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "20261127-0000-gleif-goldencopy-lei2-golden-copy.csv"
        start = time.perf_counter()
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(entities(ENTITIES))
        print(f"gleif-file-{label}-write = {time.perf_counter() - start:.1f} s")
        print(f"gleif-file-{label}-size = {path.stat().st_size / 1e6:,.0f} MB")

        server, own = server_cpu_s(), time.process_time()
        start = time.perf_counter()
        report = load_lei_records(path)
        load_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"gleif-load-{label} = {load_s:.1f} s")
        print(f"gleif-load-{label}-cpu-python = {time.process_time() - own:.1f} s")
        print(f"gleif-load-{label}-cpu-postgres = {server_cpu_s() - server:.1f} s")
        print(f"gleif-load-{label}-indexes-rebuilt = {report.indexes_rebuilt}")
        print(f"gleif-load-{label}-rate = {report.read / load_s:,.0f} rows/s")
        print(f"gleif-load-{label}-peak-memory = {peak_mb:.0f} MB")
        print(f"gleif-load-{label}-aliases = {report.aliases_added:,}")

        size = register_size_mb()
        start = time.perf_counter()
        again = load_lei_records(path)
        reload_s = time.perf_counter() - start
        print(f"gleif-reload-{label}-unchanged = {reload_s:.1f} s")
        print(f"gleif-reload-{label}-rows-written = {again.inserted + again.updated:,}")
        print(f"gleif-reload-growth = {register_size_mb() - size:.1f} MB")
        print(f"gleif-register-size = {size:,.0f} MB")
    remove_loaded(last_id)


if __name__ == "__main__":
    main()
