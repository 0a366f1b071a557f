"""Writes of the risk app: loading reference datasets from the library folders."""

from __future__ import annotations

import csv
import datetime
import json
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.core import limits
from convenant.core.audit import record_event
from convenant.core.errors import ActionError
from convenant.core.limits import check_length
from convenant.portfolios.identifiers import country_code
from convenant.portfolios.models import IssuerIdentifier
from convenant.risk.methodology import Methodology
from convenant.risk.models import (
    CompanyFinding,
    ConductRecord,
    CountryIndicator,
    GoodsListing,
    ReferenceDataset,
    SectorGood,
    SectorThemeRisk,
    Theme,
)
from convenant.risk.sectors import LEVELS

LIBRARY = Path(__file__).resolve().parent / "data"
MANIFEST_KEYS = ("id", "name", "edition", "publisher", "source", "citation", "licence", "kind")
FILE_KINDS = {"country_indicators", "goods"}
MAX_REPORTED = 20


def library_folders() -> list[Path]:
    """Every library folder; the theme taxonomy first, since the sector map refers to it."""
    folders = sorted(p.parent for p in LIBRARY.glob("*/dataset.yaml"))
    return sorted(folders, key=lambda f: (f.name != "themes", f.name))


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "dataset.yaml"
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ActionError(f"{path}: cannot be read ({error}).") from None
    needed = MANIFEST_KEYS + (
        ("file", "country_column") if manifest and manifest.get("kind") in FILE_KINDS else ()
    )
    missing = [k for k in needed if not manifest or k not in manifest]
    if missing:
        raise ActionError(f"{path}: missing {', '.join(missing)}.")
    return manifest


def _country(
    row: dict[str, str], manifest: dict[str, Any], line: int, problems: list[str]
) -> str | None:
    column = manifest["country_column"]
    name = (row.get(column) or "").strip()
    code = country_code(name)
    given = (row.get(manifest.get("code_column") or "") or "").strip().upper()
    if given and code and given != code:
        problems.append(f"line {line}, column {column}: “{name}” is {code}, the file says {given}")
        return None
    code = code or (country_code(given) if given else None)
    if code is None:
        problems.append(f"line {line}, column {column}: country “{name}” not recognised")
    return code


def _indicator_values(
    row: dict[str, str], spec: dict[str, Any], line: int, problems: list[str]
) -> tuple[str, Decimal | None]:
    raw = (row.get(spec["column"]) or "").strip()
    if not raw:
        return "", None
    if "ordinal" in spec:
        if raw not in spec["ordinal"]:
            problems.append(f"line {line}, column {spec['column']}: unknown value “{raw}”")
            return raw, None
        return raw, Decimal(spec["ordinal"][raw])
    if spec.get("year"):
        if "denounced" in raw:  # e.g. "1958 (denounced 1990)": not in force
            return "denounced", None
        if not (raw.isdigit() and len(raw) == 4):
            problems.append(f"line {line}, column {spec['column']}: “{raw}” is not a year")
            return raw, None
        return raw, Decimal(raw)
    try:
        return raw[:40], Decimal(raw)
    except InvalidOperation:
        problems.append(f"line {line}, column {spec['column']}: “{raw}” is not a number")
        return raw, None


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in {"yes", "true", "1"}


def _dataset(
    manifest: dict[str, Any], folder: Path, rows: int, indicators: dict[str, str]
) -> tuple[ReferenceDataset, bool]:
    return ReferenceDataset.objects.update_or_create(
        key=manifest["id"],
        edition=str(manifest["edition"]),
        defaults={
            "name": manifest["name"],
            "publisher": manifest["publisher"],
            "source": manifest["source"],
            "citation": manifest["citation"],
            "licence": manifest["licence"],
            "provenance": (folder / "PROVENANCE.md").read_text(encoding="utf-8"),
            "rows": rows,
            "indicators": indicators,
        },
    )


def _theme_problems(specs: list[dict[str, Any]]) -> list[str]:
    keys = [t.get("key") for t in specs]
    problems = [
        f"theme {i}: needs key, nl and en"
        for i, spec in enumerate(specs, start=1)
        if not all(spec.get(k) for k in ("key", "nl", "en"))
    ]
    problems += [
        f"theme {spec.get('key')}: unknown parent {spec['parent']}"
        for spec in specs
        if spec.get("parent") and spec["parent"] not in keys
    ]
    if len(set(keys)) != len(keys):
        problems.append("a theme key is used twice")
    return problems


def _source_titles(manifest: dict[str, Any], problems: list[str]) -> dict[str, tuple[str, str]]:
    """The map's sources as (English, Dutch) titles. Edition 2026.1 gives one title per
    source; from 2026.2 a source is ``{en: ..., nl: ...}``, and a map that declares
    ``languages: [en, nl]`` must give both."""
    bilingual = "nl" in (manifest.get("languages") or [])
    titles: dict[str, tuple[str, str]] = {}
    for key, title in (manifest.get("sources") or {}).items():
        if isinstance(title, dict):
            en, nl = str(title.get("en") or ""), str(title.get("nl") or "")
        else:
            en, nl = str(title or ""), ""
        if not en or (bilingual and not nl):
            problems.append(f"source {key}: needs a title in English and in Dutch")
        titles[str(key)] = (en[:300], nl[:300])
    return titles


def _sector_goods(
    manifest: dict[str, Any], sources: dict[str, tuple[str, str]], problems: list[str]
) -> list[SectorGood]:
    """The DoL goods each sector or industry produces or sources, one row per (code, good);
    a good counts for a company whose map entry is the code or lies below it."""
    codes = {str(sector.get("code")) for sector in manifest.get("sectors") or []}
    rows: dict[tuple[str, str], SectorGood] = {}
    for number, entry in enumerate(manifest.get("goods") or [], start=1):
        where = f"goods entry {number}"
        if entry.get("source") not in sources:
            problems.append(f"{where}: unknown source {entry.get('source')}")
        if not entry.get("goods") or not entry.get("why"):
            problems.append(f"{where}: needs goods and why")
        for code in entry.get("sectors") or []:
            if str(code) not in codes:
                problems.append(f"{where}: sector {code} is not in the map")
            for good in entry.get("goods") or []:
                name = unicodedata.normalize("NFC", str(good))
                rows[(str(code), name)] = SectorGood(
                    scheme=manifest.get("scheme", "GICS"),
                    sector_code=str(code),
                    good=name[:120],
                    reason=str(entry.get("why", ""))[:300],
                    citation=sources.get(entry.get("source"), ("", ""))[0],
                )
    return list(rows.values())


def _entry_problems(sector: dict[str, Any], codes: list[str], bilingual: bool) -> list[str]:
    """What is wrong with one entry of the map itself (its code and names)."""
    code = str(sector.get("code") or "")
    where = f"sector {code or '?'}"
    problems = []
    if not (code.isdigit() and len(code) in LEVELS):
        problems.append(f"{where}: a GICS code has 2, 4, 6 or 8 digits")
    elif len(code) > 2 and code[:2] not in codes:
        problems.append(f"{where}: its sector {code[:2]} has no entry in the map")
    if codes.count(code) > 1:
        problems.append(f"{where}: listed twice")
    if not sector.get("name") or (bilingual and not sector.get("name_nl")):
        problems.append(f"{where}: needs a name in English and in Dutch (name, name_nl)")
    if not sector.get("themes"):
        problems.append(f"{where}: lists no theme")
    return problems


def _sector_risks(
    manifest: dict[str, Any],
) -> tuple[list[SectorThemeRisk], list[SectorGood], list[str]]:
    """Every (entry, theme) row of the map, checked: an entry's code is a GICS sector,
    industry group, industry or sub-industry under a sector the map has; names, reasons and
    sources in both languages where the map is bilingual; themes of the taxonomy in force."""
    themes = set(Theme.objects.in_force().values_list("key", flat=True))
    problems: list[str] = []
    sources = _source_titles(manifest, problems)
    bilingual = "nl" in (manifest.get("languages") or [])
    entries = manifest.get("sectors") or []
    codes = [str(sector.get("code") or "") for sector in entries]
    risks = []
    for sector in entries:
        problems += _entry_problems(sector, codes, bilingual)
        for theme, entry in (sector.get("themes") or {}).items():
            where = f"sector {sector.get('code')}, theme {theme}"
            if not isinstance(entry, list) or len(entry) != 4:
                problems.append(f"{where}: give [severity, source, why, why in Dutch]")
                continue
            severity, source, reason, reason_nl = entry
            if theme not in themes:
                problems.append(f"{where}: not a theme of the taxonomy")
            if severity not in (1, 2, 3, 4):
                problems.append(f"{where}: severity must be 1 to 4")
            if source not in sources:
                problems.append(f"{where}: unknown source {source}")
            if not reason or (bilingual and not reason_nl):
                problems.append(f"{where}: needs a reason in English and in Dutch")
            citation, citation_nl = sources.get(source, ("", ""))
            risks.append(
                SectorThemeRisk(
                    scheme=manifest.get("scheme", "GICS"),
                    sector_code=str(sector.get("code")),
                    sector_name=str(sector.get("name") or "")[:120],
                    sector_name_nl=str(sector.get("name_nl") or "")[:120],
                    theme=theme,
                    severity=severity,
                    reason=str(reason or "")[:300],
                    reason_nl=str(reason_nl or "")[:300],
                    citation=citation,
                    citation_nl=citation_nl,
                )
            )
    goods = _sector_goods(manifest, sources, problems)
    return risks, goods, problems


def _load_taxonomy(folder: Path, manifest: dict[str, Any], by: Any) -> ReferenceDataset:
    """The theme taxonomy, or the sector risk map, from the manifest itself; checked
    whole before anything is written."""
    specs: list[dict[str, Any]] = manifest.get("themes") or []
    risks: list[SectorThemeRisk] = []
    goods: list[SectorGood] = []
    if manifest["kind"] == "themes":
        problems = _theme_problems(specs)
    else:
        risks, goods, problems = _sector_risks(manifest)
    if problems:
        raise ActionError("; ".join(problems[:MAX_REPORTED]))
    with transaction.atomic(durable=True):
        rows = len(specs) if manifest["kind"] == "themes" else len(risks)
        dataset, created = _dataset(manifest, folder, rows, {})
        if manifest["kind"] == "themes":
            dataset.themes.all().delete()
            made = {
                spec["key"]: Theme(
                    dataset=dataset,
                    key=spec["key"],
                    name=spec["nl"],
                    name_en=spec["en"],
                    order=order,
                )
                for order, spec in enumerate(specs)
            }
            Theme.objects.bulk_create(made.values())
            children = [made[s["key"]] for s in specs if s.get("parent")]
            for spec, child in zip([s for s in specs if s.get("parent")], children, strict=True):
                child.parent = made[spec["parent"]]
            Theme.objects.bulk_update(children, ["parent"])
        else:
            dataset.sector_risks.all().delete()
            dataset.sector_goods.all().delete()
            for risk in risks:
                risk.dataset = dataset
            for good in goods:
                good.dataset = dataset
            SectorThemeRisk.objects.bulk_create(risks)
            SectorGood.objects.bulk_create(goods)
        record_event(
            actor=by,
            verb="risk.load_reference",
            obj=dataset,
            after={"edition": dataset.edition, "rows": dataset.rows, "replaced": not created},
        )
    return dataset


def _load_methodology(folder: Path, manifest: dict[str, Any], by: Any) -> ReferenceDataset:
    """Record a methodology edition after checking it can be used as it stands."""
    try:
        methodology = Methodology.from_dict(manifest)
    except (KeyError, TypeError, ValueError) as error:
        raise ActionError(f"{folder.name}: the methodology is incomplete ({error}).") from None
    with transaction.atomic(durable=True):
        dataset, created = _dataset(manifest, folder, len(methodology.likelihood), {})
        # Kept with the edition, so it can be recomputed and compared after the file changes.
        dataset.parameters = json.loads(json.dumps(manifest, default=str))
        dataset.save(update_fields=["parameters"])
        record_event(
            actor=by,
            verb="risk.load_reference",
            obj=dataset,
            after={"edition": dataset.edition, "replaced": not created},
        )
    return dataset


def load_reference_dataset(folder: Path, *, by: Any = None) -> ReferenceDataset:
    """Load (or reload) one dataset edition. Every row must map to a country; any problem
    is reported with its line and column and nothing is saved."""
    manifest = _manifest(folder)
    if manifest["kind"] == "methodology":
        return _load_methodology(folder, manifest, by)
    if manifest["kind"] not in FILE_KINDS:
        return _load_taxonomy(folder, manifest, by)
    path = folder / manifest["file"]
    problems: list[str] = []
    indicator_rows: list[CountryIndicator] = []
    goods_rows: list[GoodsListing] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = [manifest["country_column"]] + [
            spec["column"] for spec in manifest.get("indicators", [])
        ]
        if manifest["kind"] == "goods":
            needed += ["good", "good_sector", "child_labor", "forced_labor"]
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise ActionError(f"{path.name}: missing column(s) {', '.join(missing)}.")
        for row in reader:
            line = reader.line_num
            country = _country(row, manifest, line, problems)
            if country is None:
                continue
            if manifest["kind"] == "goods":
                goods_rows.append(
                    GoodsListing(
                        country=country,
                        # NFC, so "Açaí" in the list and in the sector map compare equal
                        good=unicodedata.normalize("NFC", row["good"].strip())[:120],
                        sector=row["good_sector"].strip()[:40],
                        child_labour=_yes(row.get("child_labor")),
                        forced_labour=_yes(row.get("forced_labor")),
                        forced_child_labour=_yes(row.get("forced_child_labor")),
                        derived=_yes(row.get("derived_labor_exploitation")),
                        line=line,
                    )
                )
                continue
            for spec in manifest["indicators"]:
                value, number = _indicator_values(row, spec, line, problems)
                indicator_rows.append(
                    CountryIndicator(
                        country=country,
                        indicator=spec["key"],
                        value=value,
                        number=number,
                        line=line,
                    )
                )
    if problems:
        raise ActionError(f"{path.name}: " + "; ".join(problems[:MAX_REPORTED]))
    with transaction.atomic(durable=True):
        dataset, created = _dataset(
            manifest,
            folder,
            len(goods_rows) or len({r.line for r in indicator_rows}),
            {s["key"]: s["label"] for s in manifest.get("indicators", [])},
        )
        dataset.country_values.all().delete()
        dataset.goods.all().delete()
        for indicator in indicator_rows:
            indicator.dataset = dataset
        for good in goods_rows:
            good.dataset = dataset
        CountryIndicator.objects.bulk_create(indicator_rows, batch_size=5000)
        GoodsListing.objects.bulk_create(goods_rows, batch_size=5000)
        record_event(
            actor=by,
            verb="risk.load_reference",
            obj=dataset,
            after={"edition": dataset.edition, "rows": dataset.rows, "replaced": not created},
        )
    return dataset


def renew_scoring_tokens(snapshot_ids: Iterable[int]) -> None:
    """New scoring tokens for these snapshots, inside the transaction that wrote their
    results: the totals kept under the old ones are never read again (ADR 0011)."""
    import uuid

    from convenant.risk.models import ScoredSnapshot

    manager = ScoredSnapshot.objects.unrestricted("risk results were just written")
    for snapshot_id in snapshot_ids:
        manager.update_or_create(snapshot_id=snapshot_id, defaults={"token": uuid.uuid4()})


def score_snapshot(snapshot_id: int, *, by: Any = None) -> int:
    """(Re)compute a snapshot's risks with the current methodology and reference data. Runs
    after every import (a hook of portfolios) and after reference data is loaded."""
    from convenant.portfolios.models import Snapshot
    from convenant.risk.models import RiskResult
    from convenant.risk.scoring import methodology_in_force, write_results

    methodology = methodology_in_force()
    with transaction.atomic(durable=True):
        snapshot = (
            Snapshot.objects.unrestricted("score snapshot: the action decides access")
            .select_for_update()
            .get(pk=snapshot_id)
        )
        RiskResult.objects.unrestricted("score snapshot: the action decides access").filter(
            snapshot=snapshot
        ).delete()
        count = write_results(snapshot.pk, methodology)
        renew_scoring_tokens([snapshot.pk])
        record_event(
            actor=by,
            verb="risk.score_snapshot",
            obj=snapshot,
            party_id=snapshot.fund_id,
            after={"results": count, "methodology": methodology.edition},
        )
    return count


def rescore_issuers(issuer_ids: set[int], *, by: Any = None) -> int:
    """Recompute only these issuers' results, in every snapshot that holds them: what runs
    when an issuer's data or its findings change. Judgements are kept (they are per fund,
    issuer and theme)."""
    from convenant.portfolios.models import Position, Snapshot
    from convenant.risk.models import RiskResult
    from convenant.risk.scoring import methodology_in_force, write_results

    if not issuer_ids:
        return 0
    methodology = methodology_in_force()
    count = 0
    with transaction.atomic():
        snapshot_ids = sorted(
            set(
                Position.objects.unrestricted("rescore issuers: the action decides access")
                .filter(issuer_id__in=issuer_ids)
                .order_by()
                .values_list("snapshot_id", flat=True)
                .distinct()
            )
            | set(
                RiskResult.objects.unrestricted("rescore issuers: the action decides access")
                .filter(issuer_id__in=issuer_ids)
                .order_by()
                .values_list("snapshot_id", flat=True)
                .distinct()
            )
        )
        # Lock in id order, as score_snapshot does, so concurrent scoring cannot deadlock.
        list(
            Snapshot.objects.unrestricted("rescore issuers: the action decides access")
            .select_for_update()
            .filter(pk__in=snapshot_ids)
            .order_by("pk")
        )
        RiskResult.objects.unrestricted("rescore issuers: the action decides access").filter(
            issuer_id__in=issuer_ids, snapshot_id__in=snapshot_ids
        ).delete()
        for snapshot_id in snapshot_ids:
            count += write_results(snapshot_id, methodology, issuer_ids)
        renew_scoring_tokens(snapshot_ids)
        # The covenant totals of these companies follow, once this commits (also when a
        # signal's finding is recorded or withdrawn, which calls this directly).
        from convenant.risk.jobs import queue_covenant_refresh

        queue_covenant_refresh(issuer_ids=set(issuer_ids))
        record_event(
            actor=by,
            verb="risk.rescore_issuers",
            obj=None,
            after={"issuers": sorted(issuer_ids), "snapshots": len(snapshot_ids), "results": count},
        )
    return count


def _check_scale(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
        raise ActionError(
            _("%(name)s must be a whole number from 1 to 4.") % {"name": name}, field=name
        )
    return value


def record_company_finding(
    *,
    issuer: Any,
    theme: str,
    reference: str,
    scale: int,
    scope: int,
    irremediability: int,
    likelihood: int,
    actual: bool,
    source: str,
    by: Any = None,
) -> CompanyFinding:
    """What a verified signal established about a company on a theme: the methodology's
    company-specific input. Called by the signals app; recording it again (same issuer,
    theme and reference) updates it. Only that issuer's results are recomputed."""
    for name, value in (
        ("scale", scale),
        ("scope", scope),
        ("irremediability", irremediability),
        ("likelihood", likelihood),
    ):
        _check_scale(name, value)
    reference = reference.strip()
    if not reference:
        raise ActionError(_("A finding needs the reference of its signal."), field="reference")
    if not Theme.objects.in_force().filter(key=theme).exists():
        raise ActionError(_("Unknown theme: %(theme)s.") % {"theme": theme}, field="theme")
    with transaction.atomic():
        existing = (
            CompanyFinding.objects.unrestricted("record company finding: the action decides access")
            .select_for_update()
            .filter(issuer=issuer, theme=theme, reference=reference)
            .first()
        )
        before = _finding_state(existing) if existing else None
        finding, _created = CompanyFinding.objects.unrestricted(
            "record company finding: the action decides access"
        ).update_or_create(
            issuer=issuer,
            theme=theme,
            reference=reference,
            defaults={
                "scale": scale,
                "scope": scope,
                "irremediability": irremediability,
                "likelihood": likelihood,
                "actual": bool(actual),
                "source": source[:200],
                "recorded_by": by,
                "withdrawn_at": None,
            },
        )
        record_event(
            actor=by,
            verb="risk.record_finding",
            obj=finding,
            before=before,
            after=_finding_state(finding),
        )
        rescore_issuers({issuer.pk}, by=by)
    return finding


def withdraw_company_findings(*, reference: str, by: Any = None) -> int:
    """A signal found unsubstantiated, a duplicate or merged: its findings stop counting
    (kept, marked withdrawn) and the issuers they concerned are recomputed."""
    with transaction.atomic():
        findings = list(
            CompanyFinding.objects.unrestricted(
                "withdraw company findings: the action decides access"
            )
            .select_for_update()
            .filter(reference=reference, withdrawn_at__isnull=True)
        )
        if not findings:
            return 0
        now = timezone.now()
        for finding in findings:
            finding.withdrawn_at = now
            record_event(
                actor=by,
                verb="risk.withdraw_finding",
                obj=finding,
                before=_finding_state(finding),
                after={"withdrawn": True},
            )
        CompanyFinding.objects.unrestricted(
            "withdraw company findings: the action decides access"
        ).bulk_update(findings, ["withdrawn_at"])
        rescore_issuers({f.issuer_id for f in findings}, by=by)
    return len(findings)


def _finding_state(finding: CompanyFinding) -> dict[str, Any]:
    return {
        "reference": finding.reference,
        "issuer": finding.issuer_id,
        "theme": finding.theme,
        "scale": finding.scale,
        "scope": finding.scope,
        "irremediability": finding.irremediability,
        "likelihood": finding.likelihood,
        "actual": finding.actual,
        "source": finding.source,
    }


CONDUCT_COLUMNS = ("identifier", "violation", "monitoring", "as_of")
YES_NO = {"yes": True, "ja": True, "no": False, "nee": False, "": None, "unknown": None}


def _conduct_rows(path: Path, problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CONDUCT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ActionError(
            _("The file lacks the column(s) %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows = [(reader.line_num, row) for row in reader]
    if not rows:
        problems.append(_("The file has no rows."))
    return rows


def load_conduct_records(*, path: Path, source: str, by: Any) -> int:
    """Load what a data source says about companies' conduct (SFDR PAI 10 and 11): one row per
    company by ISIN or LEI, ``violation`` and ``monitoring`` as yes, no or empty (not known),
    and optionally ``themes``: the keys of the taxonomy's themes a violation concerns,
    separated by ";" (empty where the source does not say). The secretariat loads it; every
    problem is reported by line and column and nothing is saved unless the whole file is
    right. A reload of the same source and date replaces it."""
    from convenant.core import access
    from convenant.portfolios.models import Issuer

    access.require(access.can_administer_covenant(access.actor_for(by, fresh=True)))
    source = source.strip()
    if not source:
        raise ActionError(_("Name the source of the data."), field="source")
    problems: list[str] = []
    rows = _conduct_rows(path, problems)
    wanted = {row["identifier"].strip().upper() for _line, row in rows}
    by_lei = dict(
        Issuer.objects.unrestricted("load conduct records: the action decides access")
        .filter(lei__in=wanted)
        .values_list("lei", "pk")
    )
    by_isin = dict(
        IssuerIdentifier.objects.unrestricted("load conduct records: the action decides access")
        .filter(scheme="isin", value__in=wanted)
        .values_list("value", "issuer_id")
    )
    records: dict[tuple[int, datetime.date], ConductRecord] = {}
    today = timezone.localdate()
    known_themes = set(Theme.objects.in_force().values_list("key", flat=True))
    for line, row in rows:
        identifier = row["identifier"].strip().upper()
        issuer_id = by_lei.get(identifier) or by_isin.get(identifier)
        if issuer_id is None:
            problems.append(
                _("line %(line)s, column identifier: no issuer with ISIN or LEI %(value)s")
                % {"line": line, "value": identifier or "—"}
            )
        values: dict[str, bool | None] = {}
        for column in ("violation", "monitoring"):
            raw = (row.get(column) or "").strip().lower()
            if raw not in YES_NO:
                problems.append(
                    _("line %(line)s, column %(column)s: write yes, no or leave it empty")
                    % {"line": line, "column": column}
                )
            values[column] = YES_NO.get(raw)
        themes = list(dict.fromkeys(t.strip() for t in (row.get("themes") or "").split(";")))
        themes = [theme for theme in themes if theme]
        for theme in themes:
            if theme not in known_themes:
                problems.append(
                    _("line %(line)s, column themes: %(value)s is not a theme of the taxonomy")
                    % {"line": line, "value": theme}
                )
        try:
            as_of = datetime.date.fromisoformat((row.get("as_of") or "").strip())
        except ValueError:
            problems.append(_("line %(line)s, column as_of: a date as YYYY-MM-DD") % {"line": line})
            continue
        if as_of > today:
            problems.append(
                _("line %(line)s, column as_of: the date lies in the future") % {"line": line}
            )
        if issuer_id is None:
            continue
        if (issuer_id, as_of) in records:
            problems.append(
                _("line %(line)s: the company is in the file twice for this date") % {"line": line}
            )
        records[(issuer_id, as_of)] = ConductRecord(
            issuer_id=issuer_id,
            source=source[:200],
            as_of=as_of,
            violation=values["violation"],
            monitoring=values["monitoring"],
            note=(row.get("note") or "").strip()[:300],
            themes=themes,
            line=line,
        )
    if problems:
        raise ActionError("; ".join(str(p) for p in problems[:MAX_REPORTED]))
    with transaction.atomic(durable=True):
        dates = {as_of for _issuer, as_of in records}
        existing = ConductRecord.objects.unrestricted(
            "load conduct records: the action decides access"
        ).filter(source=source, as_of__in=dates)
        # A violation is company evidence (methodology 2026.2): the companies whose
        # violations appear, change or go are rescored once this commits.
        before = {
            (issuer, as_of): (violation, tuple(themes))
            for issuer, as_of, violation, themes in existing.values_list(
                "issuer_id", "as_of", "violation", "themes"
            )
        }
        replaced, _deleted = existing.delete()
        ConductRecord.objects.bulk_create(records.values(), batch_size=5000)
        after = {key: (r.violation, tuple(r.themes)) for key, r in records.items()}
        # A company's latest record per source decides; any company of the file with a
        # violation on record, now or before this load, may have changed.
        touched = {issuer for issuer, _as_of in before.keys() | after.keys()}
        changed = {issuer for (issuer, _d), (violation, _t) in before.items() if violation} | set(
            ConductRecord.objects.unrestricted("load conduct records: the action decides access")
            .filter(issuer_id__in=touched, violation=True)
            .values_list("issuer_id", flat=True)
        )
        if changed:
            from convenant.risk.jobs import queue_rescoring

            queue_rescoring(changed)
        record_event(
            actor=by,
            verb="risk.load_conduct",
            obj=None,
            after={"source": source, "rows": len(records), "replaced": replaced},
        )
    return len(records)


def judge_risk(
    *, by: Any, result: Any, decision: str, impact: str, reason: str = "", priority: str = ""
) -> Any:
    """A fund editor confirms, adjusts (with a reason) or dismisses a computed risk, and says
    whether the impact is actual or potential. Audited; the computed value is kept."""
    from convenant.core import access
    from convenant.core.access import Role
    from convenant.risk.models import RiskJudgement, RiskResult

    fund_id = result.snapshot.fund_id
    access.require(access.actor_for(by, fresh=True).has_role(fund_id, Role.EDITOR))
    if decision not in RiskJudgement.Decision.values:
        raise ActionError(_("Choose confirm, adjust or dismiss."), field="decision")
    if impact not in RiskJudgement.Impact.values:
        raise ActionError(_("Say whether the impact is actual or potential."), field="impact")
    reason = check_length(reason.strip(), limits.MESSAGE, field="reason")
    if decision == RiskJudgement.Decision.ADJUSTED:
        if priority not in RiskResult.Priority.values:
            raise ActionError(_("Choose the adjusted priority."), field="priority")
        if not reason:
            raise ActionError(_("Give the reason for the adjustment."), field="reason")
    elif decision == RiskJudgement.Decision.DISMISSED and not reason:
        raise ActionError(_("Give the reason for dismissing this risk."), field="reason")
    else:
        priority = priority if decision == RiskJudgement.Decision.ADJUSTED else ""
    with transaction.atomic(durable=True):
        existing = (
            RiskJudgement.objects.unrestricted("judge risk: the action decides access")
            .select_for_update()
            .filter(fund_id=fund_id, issuer_id=result.issuer_id, theme=result.theme)
            .first()
        )
        before = (
            {
                "decision": existing.decision,
                "priority": existing.priority,
                "impact": existing.impact,
                "reason": existing.reason,
            }
            if existing
            else None
        )
        judgement, _created = RiskJudgement.objects.unrestricted(
            "judge risk: the action decides access"
        ).update_or_create(
            fund_id=fund_id,
            issuer_id=result.issuer_id,
            theme=result.theme,
            defaults={
                "decision": decision,
                "priority": priority if decision == "adjusted" else "",
                "impact": impact,
                "reason": reason,
                "decided_by": by,
            },
        )
        # A judgement of an actual impact is company evidence for this fund's ranking
        # (edition 2026.2): when that changes, the issuer's results are recomputed.
        was_actual = bool(
            existing and existing.impact == "actual" and existing.decision != "dismissed"
        )
        if was_actual != (impact == "actual" and decision != "dismissed"):
            from convenant.risk.jobs import queue_rescoring

            queue_rescoring({result.issuer_id})
        record_event(
            actor=by,
            verb="risk.judge_risk",
            obj=judgement,
            party_id=fund_id,
            before=before,
            after={
                "decision": decision,
                "priority": judgement.priority,
                "impact": impact,
                "reason": reason,
                "computed_priority": result.priority,
            },
        )
    return judgement


# --- The covenant risks: totals across the funds' latest holdings, kept ready -----------

COVENANT_LOCK = "risk.refresh_covenant_risks"
WHY_COVENANT = "covenant risks: totals the page shows only under the k-minimum rule"

# Per company, theme and priority over the given snapshots (one latest per fund, one result
# per snapshot, company and theme: counting rows counts funds), with the company's country
# (as scoring takes it: operations, else incorporation) and sector for the page's filters.
_COVENANT_INSERT = """
INSERT INTO {table} (issuer_id, theme, rank, country, sector, funds, value, score,
                     evidence_funds)
SELECT p.issuer_id, p.theme, p.rank,
       CASE WHEN i.country_of_operations <> '' THEN i.country_of_operations
            ELSE i.country_of_incorporation END,
       i.sector_name, p.funds, p.value, p.score, p.evidence_funds
FROM (SELECT issuer_id, theme, rank, count(*) AS funds, sum(value_eur) AS value,
             max(score) AS score, count(*) FILTER (WHERE evidence) AS evidence_funds
      FROM {results} WHERE snapshot_id = ANY(%s::bigint[]) {only}
      GROUP BY issuer_id, theme, rank) p
JOIN {issuers} i ON i.id = p.issuer_id
"""

# Per company, from those rows, for every priority (level 0) and for each priority alone
# (only the funds whose result has it count): its themes that at least the minimum number
# of funds hold, highest first (rank × 100 + score: its maximum is the highest rank's
# highest score), and the company's highest rank, that rank's score, the most funds on a
# theme and their value.
_COMPANY_INSERT = """
INSERT INTO {companies} (issuer_id, level, rank, score, funds, value, evidence, country,
                         sector, themes, minimum)
SELECT issuer_id, level, max(top), max(key) - max(top) * 100, max(funds), max(value),
       bool_or(evidence > 0), min(country), min(sector),
       json_agg(json_build_object('theme', theme, 'rank', top, 'funds', funds,
                                  'value', value::text, 'score', (key - top * 100)::text,
                                  'evidence', evidence)
                ORDER BY key DESC, funds DESC, theme),
       %s
FROM (SELECT issuer_id, l.level, theme, max(rank) AS top, max(rank * 100 + score) AS key,
             sum(funds) AS funds, sum(value) AS value, sum(evidence_funds) AS evidence,
             min(country) AS country, min(sector) AS sector
      FROM {table} CROSS JOIN LATERAL (VALUES (0), (rank)) AS l(level) {where}
      GROUP BY issuer_id, l.level, theme HAVING sum(funds) >= %s) p
GROUP BY issuer_id, level
"""

# A refresh touching more companies than this regroups all of them in one pass, which beats
# picking them by index from there on (at full scale: 2,000 companies 3.3 s, 4,000 5.2 s,
# all 20,000 8 s; a snapshot of 10,000 positions names half of them).
RECOMPUTE_ALL_ABOVE = 5000

# The companies a snapshot's results name, from the (snapshot, issuer, theme) unique index.
_HELD = "ARRAY(SELECT DISTINCT issuer_id FROM {results} WHERE snapshot_id = {snapshot})"


def _recompute_covenant_rows(
    cursor: Any, snapshot_ids: list[int], issuers: list[int] | None
) -> int:
    """Replace the covenant rows of these companies (all when None) by their totals over
    these snapshots, and their lines for the unfiltered page; set-based."""
    from django.conf import settings

    from convenant.portfolios.models import Issuer
    from convenant.risk.models import CovenantCompany, CovenantRisk, RiskResult

    table = CovenantRisk._meta.db_table
    companies = CovenantCompany._meta.db_table
    if issuers is not None and len(issuers) > RECOMPUTE_ALL_ABOVE:
        issuers = None  # one pass over all results beats picking most of them by index
    # A semi-join on the list, which PostgreSQL hashes (a long "= ANY(list)" it scans).
    where = "" if issuers is None else "issuer_id IN (SELECT unnest(%s::bigint[]))"
    chosen = [] if issuers is None else [issuers]
    minimum = settings.AGGREGATE_MIN_FUNDS
    # The grouping of a few million results fits in memory instead of spilling to disk.
    cursor.execute("SET LOCAL work_mem = '256MB'")
    for target in (table, companies):
        cursor.execute(f"DELETE FROM {target} {'WHERE' if where else ''} {where}", chosen)  # noqa: S608
    cursor.execute(
        _COVENANT_INSERT.format(
            table=table,
            results=RiskResult._meta.db_table,
            issuers=Issuer._meta.db_table,
            only=f"AND {where}" if where else "",
        ),
        [snapshot_ids, *chosen],
    )
    rows = int(cursor.rowcount)
    cursor.execute(
        _COMPANY_INSERT.format(
            companies=companies, table=table, where=f"WHERE {where}" if where else ""
        ),
        [minimum, *chosen, minimum],
    )
    return rows


def refresh_covenant_risks(
    *, fund_id: int | None = None, issuer_ids: set[int] | None = None, by: Any = None
) -> int:
    """Bring the covenant risks up to date with the funds' latest complete holdings:
    - ``fund_id``: after that fund's snapshot was scored, replaced or deleted — the
      companies it was counted for before and those its latest snapshot holds now;
    - ``issuer_ids``: after those companies' results were recomputed;
    - neither: everything (the repair, ``convenant refresh_covenant_risks``).
    Safe to run again; one refresh at a time. Returns the rows written."""
    from django.db import connection

    from convenant.portfolios.models import Snapshot
    from convenant.risk.models import CovenantRiskSource, RiskResult

    scope = "fund" if fund_id is not None else "issuers" if issuer_ids is not None else "all"
    sources = CovenantRiskSource._meta.db_table
    results = RiskResult._meta.db_table
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        # Two refreshes touching the same companies would both write their rows.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [COVENANT_LOCK])
        latest = {
            fund: (pk, as_of)
            for pk, fund, as_of in Snapshot.objects.unrestricted(WHY_COVENANT)
            .latest_per_fund()
            .values_list("pk", "fund_id", "as_of")
        }
        snapshot_ids = sorted(pk for pk, _as_of in latest.values())
        now = timezone.now()
        if scope == "all":
            rows = _recompute_covenant_rows(cursor, snapshot_ids, None)
            cursor.execute(f"DELETE FROM {sources}")  # noqa: S608
            held = _HELD.format(results=results, snapshot="s.id")
            cursor.execute(
                f"INSERT INTO {sources} (fund_id, snapshot_id, as_of, issuers, refreshed_at) "  # noqa: S608
                f"SELECT s.fund_id, s.id, s.as_of, {held}, %s "
                f"FROM {Snapshot._meta.db_table} s WHERE s.id = ANY(%s::bigint[])",
                [now, snapshot_ids],
            )
        elif scope == "fund":
            cursor.execute(
                f"SELECT issuers FROM {sources} WHERE fund_id = %s FOR UPDATE",  # noqa: S608
                [fund_id],
            )
            found = cursor.fetchone()
            counted = set(found[0]) if found else set()
            snapshot = latest.get(fund_id)  # type: ignore[arg-type]
            holds: list[int] = []
            if snapshot:
                cursor.execute(
                    f"SELECT {_HELD.format(results=results, snapshot='%s')}",
                    [snapshot[0]],
                )
                holds = list(cursor.fetchone()[0])
            rows = _recompute_covenant_rows(cursor, snapshot_ids, sorted(counted | set(holds)))
            cursor.execute(f"DELETE FROM {sources} WHERE fund_id = %s", [fund_id])  # noqa: S608
            if snapshot:
                cursor.execute(
                    f"INSERT INTO {sources} (fund_id, snapshot_id, as_of, issuers, refreshed_at) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s::bigint[], %s)",
                    [fund_id, snapshot[0], snapshot[1], holds, now],
                )
        else:
            chosen = sorted(issuer_ids or ())
            rows = _recompute_covenant_rows(cursor, snapshot_ids, chosen) if chosen else 0
            # The funds now counted for these companies: a later refresh of such a fund must
            # revisit them, so they join its list where they are not on it yet.
            cursor.execute(
                f"""
                INSERT INTO {sources} (fund_id, snapshot_id, as_of, issuers, refreshed_at)
                SELECT s.fund_id, s.id, s.as_of, array_agg(DISTINCT r.issuer_id), %s
                FROM {results} r JOIN {Snapshot._meta.db_table} s ON s.id = r.snapshot_id
                WHERE r.snapshot_id = ANY(%s::bigint[]) AND r.issuer_id = ANY(%s::bigint[])
                GROUP BY s.fund_id, s.id, s.as_of
                ON CONFLICT (fund_id) DO UPDATE SET issuers = ARRAY(
                    SELECT DISTINCT unnest({sources}.issuers || EXCLUDED.issuers))
                WHERE NOT {sources}.issuers @> EXCLUDED.issuers
                """,  # noqa: S608
                [now, snapshot_ids, chosen],
            )
            cursor.execute(f"UPDATE {sources} SET refreshed_at = %s", [now])  # noqa: S608
        record_event(
            actor=by,
            verb="risk.refresh_covenant",
            obj=None,
            after={"scope": scope, "funds": len(latest), "rows": rows},
        )
    # VACUUM runs outside a transaction only; a refresh of a few companies leaves it to
    # autovacuum.
    if not connection.in_atomic_block and (scope != "issuers" or rows > RECOMPUTE_ALL_ABOVE):
        # A large refresh rewrites its rows: reclaim the old versions and renew the planner's
        # figures at once, so the page counts and reads live rows from its index.
        from convenant.risk.models import CovenantCompany, CovenantRisk

        with connection.cursor() as cursor:
            cursor.execute(
                f"VACUUM (ANALYZE) {CovenantRisk._meta.db_table}, "
                f"{CovenantCompany._meta.db_table}, {sources}"
            )
    return rows
