"""The KPI framework as reference data: each version in ``reporting/data/frameworks/<version>/
framework.yaml`` is loaded into ``Framework``, ``Indicator`` and ``Question`` by
``convenant load_kpi_framework``, the demo and the tests. Loading is idempotent; a file that no
longer matches a version already loaded (its SHA-256) is refused, since the cycles frozen on
that version must keep reading the questions they were answered against: a changed framework
is a new version, whose questions name the ones they continue (``previous_code``).

The file's format is described in ``data/frameworks/README.md``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from convenant.reporting.models import Framework, Indicator, NotApplicable, Question, Questionnaire

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "data" / "frameworks"
FILE_NAME = "framework.yaml"
MAIN_INDICATORS = ("policy", "outsourcing", "outsourcing-monitoring", "reporting")
POSITIVE_RULES = ("equals", "in", "at_least", "at_most", "answered")


class FrameworkChanged(ValueError):
    """The file differs from the version already in the database."""


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def versions_shipped() -> list[str]:
    return sorted((p.parent.name for p in FRAMEWORKS_DIR.glob(f"*/{FILE_NAME}")), key=version_key)


def latest_version() -> Framework | None:
    """The newest version loaded (what a new cycle freezes by default)."""
    return max(Framework.objects.all(), key=lambda f: version_key(f.version), default=None)


# --- Reading and checking a file ------------------------------------------------------------


@dataclass
class Parsed:
    version: str
    title: str
    title_en: str
    previous: str
    digest: str
    indicators: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)


def _text(node: dict[str, Any], key: str, where: str) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key} is missing")
    return value.strip()


def _indicator(node: dict[str, Any], order: int, parent: str, questionnaire: str) -> dict:
    code = str(node.get("code", ""))
    where = f"indicator {code or order}"
    rule = str(node.get("not_applicable", NotApplicable.EXCLUDED))
    if rule not in NotApplicable.values:
        raise ValueError(f"{where}: not_applicable must be one of {', '.join(NotApplicable)}")
    return {
        "code": code,
        "parent": parent,
        "questionnaire": questionnaire,
        "order": order,
        "name": _text(node, "name", where),
        "name_en": _text(node, "name_en", where),
        "description": str(node.get("description", "")),
        "description_en": str(node.get("description_en", "")),
        "not_applicable": rule,
    }


def _question(node: dict[str, Any], order: int, indicator: str, asked: dict[str, dict]) -> dict:
    code = str(node.get("code", ""))
    where = f"question {code or order}"
    if not code:
        raise ValueError(f"question {order} has no code")
    if code in asked:
        raise ValueError(f"{where} appears twice")
    kind = str(node.get("kind", ""))
    if kind not in Question.Kind.values:
        raise ValueError(f"{where}: kind must be one of {', '.join(Question.Kind.values)}")
    role = str(node.get("role", ""))
    if role not in Question.Role.values:
        raise ValueError(f"{where}: unknown role {role}")
    if role == Question.Role.INVESTED_ASSETS and kind != Question.Kind.NUMBER:
        raise ValueError(f"{where}: the invested assets are a number")
    choices = [
        {"value": str(c["value"]), "label": str(c["label"]), "label_en": str(c["label_en"])}
        for c in node.get("choices", []) or []
    ]
    if kind == Question.Kind.CHOICE and len(choices) < 2:
        raise ValueError(f"{where}: a choice needs at least two options")
    if kind != Question.Kind.CHOICE and choices:
        raise ValueError(f"{where}: only a choice has options")
    positive_when = dict(node.get("positive_when") or {})
    if len(positive_when) > 1 or any(k not in POSITIVE_RULES for k in positive_when):
        raise ValueError(f"{where}: positive_when takes one of {', '.join(POSITIVE_RULES)}")
    if "in" in positive_when:
        values = {c["value"] for c in choices}
        if not set(map(str, positive_when["in"])) <= values:
            raise ValueError(f"{where}: positive_when names an option the question lacks")
        positive_when["in"] = [str(v) for v in positive_when["in"]]
    depends_on = str(node.get("depends_on", ""))
    if depends_on and depends_on not in asked:
        raise ValueError(f"{where}: it depends on {depends_on}, which must come before it")
    prefill = str(node.get("prefill", ""))
    if prefill:
        from convenant.reporting.prefill import SOURCES

        if prefill not in SOURCES:
            raise ValueError(f"{where}: unknown pre-fill source {prefill}")
    return {
        "code": code,
        "indicator": indicator,
        "previous_code": str(node.get("previous_code", "") or ""),
        "kind": kind,
        "role": role,
        "order": order,
        "text": _text(node, "text", where),
        "text_en": _text(node, "text_en", where),
        "help": str(node.get("help", "")),
        "help_en": str(node.get("help_en", "")),
        "choices": choices,
        "positive_when": positive_when,
        "required": bool(node.get("required", True)),
        "allows_not_applicable": bool(node.get("allows_not_applicable", False)),
        "depends_on": depends_on,
        "depends_value": node.get("depends_value") if depends_on else None,
        "prefill": prefill,
    }


def read_framework(path: Path) -> Parsed:
    """A version's indicators and questions as rows, checked for a sound framework."""
    raw = path.read_bytes()
    data = yaml.safe_load(raw.decode("utf-8"))
    parsed = Parsed(
        version=str(data["version"]),
        title=_text(data, "title", "the framework"),
        title_en=_text(data, "title_en", "the framework"),
        previous=str(data.get("previous", "") or ""),
        digest=hashlib.sha256(raw).hexdigest(),
    )
    codes: set[str] = set()
    asked: dict[str, dict] = {}
    q_order = 0
    for node in data["indicators"]:
        questionnaire = str(node.get("questionnaire", Questionnaire.FUND))
        if questionnaire not in Questionnaire.values:
            raise ValueError(f"indicator {node.get('code')}: unknown questionnaire")
        main = _indicator(node, len(parsed.indicators) + 1, "", questionnaire)
        subs = node.get("subindicators") or []
        if not subs:
            raise ValueError(f"indicator {main['code']} has no sub-indicators")
        parsed.indicators.append(main)
        for sub_node in subs:
            sub = _indicator(sub_node, len(parsed.indicators) + 1, main["code"], questionnaire)
            parsed.indicators.append(sub)
            if not sub_node.get("questions"):
                raise ValueError(f"sub-indicator {sub['code']} has no questions")
            for q_node in sub_node["questions"]:
                q_order += 1
                question = _question(q_node, q_order, sub["code"], asked)
                asked[question["code"]] = question
                parsed.questions.append(question)
    for row in parsed.indicators:
        if not row["code"] or row["code"] in codes:
            raise ValueError(f"indicator {row['code'] or row['order']} is unnamed or twice")
        codes.add(row["code"])
    fund_mains = [
        r["code"]
        for r in parsed.indicators
        if not r["parent"] and r["questionnaire"] == Questionnaire.FUND
    ]
    missing = [c for c in MAIN_INDICATORS if c not in fund_mains]
    if missing:
        raise ValueError(f"the main indicators {', '.join(missing)} are missing")
    for question in parsed.questions:
        # A dependency stays within its questionnaire: an effort party never sees fund questions.
        depends = asked.get(question["depends_on"])
        if depends and _questionnaire_of(parsed, depends) != _questionnaire_of(parsed, question):
            raise ValueError(f"question {question['code']} depends on another questionnaire")
    return parsed


def _questionnaire_of(parsed: Parsed, question: dict[str, Any]) -> str:
    return next(i["questionnaire"] for i in parsed.indicators if i["code"] == question["indicator"])


# --- Loading --------------------------------------------------------------------------------


def load_framework(path: Path) -> tuple[str, bool]:
    """Load one version's file; returns (version, created). Loading the same file again
    creates nothing; a different file under a version already loaded raises
    ``FrameworkChanged``; a version that continues one not loaded, or names a question that
    version lacks, is refused."""
    parsed = read_framework(path)
    with transaction.atomic():
        existing = Framework.objects.filter(version=parsed.version).first()
        if existing is not None:
            if existing.digest != parsed.digest:
                raise FrameworkChanged(
                    f"KPI framework {parsed.version} is already loaded and its file has "
                    "changed: give a changed framework a new version (a new folder), so that "
                    "the cycles answered against it keep their questions."
                )
            return parsed.version, False
        previous = None
        if parsed.previous:
            previous = Framework.objects.filter(version=parsed.previous).first()
            if previous is None:
                raise ValueError(f"{parsed.version} continues {parsed.previous}, not loaded")
            earlier = set(previous.questions.values_list("code", flat=True))
            unknown = [
                q["code"]
                for q in parsed.questions
                if q["previous_code"] and q["previous_code"] not in earlier
            ]
            if unknown:
                raise ValueError(
                    f"questions {', '.join(unknown)} continue codes {parsed.previous} lacks"
                )
        framework = Framework.objects.create(
            version=parsed.version,
            title=parsed.title,
            title_en=parsed.title_en,
            digest=parsed.digest,
            previous=previous,
        )
        indicators: dict[str, Indicator] = {}
        for row in parsed.indicators:
            indicators[row["code"]] = Indicator.objects.create(
                framework=framework, **{**row, "parent": indicators.get(row["parent"])}
            )
        Question.objects.bulk_create(
            Question(framework=framework, **{**row, "indicator": indicators[row["indicator"]]})
            for row in parsed.questions
        )
    return parsed.version, True


def load_all() -> list[tuple[str, bool]]:
    """Every version shipped, oldest first (a version's predecessor loads before it)."""
    return [load_framework(FRAMEWORKS_DIR / v / FILE_NAME) for v in versions_shipped()]


# --- The tree, for pages, the API and the scoring ------------------------------------------


@dataclass
class Sub:
    indicator: Indicator
    questions: list[Question] = field(default_factory=list)


@dataclass
class Main:
    indicator: Indicator
    subs: list[Sub] = field(default_factory=list)

    @property
    def questions(self) -> list[Question]:
        return [q for sub in self.subs for q in sub.questions]


def tree(framework: Framework, questionnaire: str | None = None) -> list[Main]:
    """The main indicators in order, each with its sub-indicators and their questions (of one
    questionnaire, or all)."""
    indicators = list(Indicator.objects.filter(framework=framework).order_by("order"))
    questions = list(Question.objects.filter(framework=framework).order_by("order"))
    mains = {i.pk: Main(i) for i in indicators if i.parent_id is None}
    subs: dict[int, Sub] = {}
    for i in indicators:
        if i.parent_id is not None:
            subs[i.pk] = Sub(i)
            mains[i.parent_id].subs.append(subs[i.pk])
    for q in questions:
        subs[q.indicator_id].questions.append(q)
    return [
        m
        for m in mains.values()
        if questionnaire is None or m.indicator.questionnaire == questionnaire
    ]


def questions_of(framework: Framework, questionnaire: str) -> list[Question]:
    """The questions a party of this questionnaire answers, in order."""
    return list(
        Question.objects.filter(framework=framework, indicator__questionnaire=questionnaire)
        .select_related("indicator")
        .order_by("order")
    )


def counts(framework_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per version: how many indicators (main and sub) and questions it holds."""
    from django.db.models import Count

    indicators = dict(
        Indicator.objects.filter(framework_id__in=framework_ids)
        .values("framework_id")
        .annotate(n=Count("pk"))
        .values_list("framework_id", "n")
    )
    questions = dict(
        Question.objects.filter(framework_id__in=framework_ids)
        .values("framework_id")
        .annotate(n=Count("pk"))
        .values_list("framework_id", "n")
    )
    return {pk: (indicators.get(pk, 0), questions.get(pk, 0)) for pk in framework_ids}


def english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "nl").startswith("en")
