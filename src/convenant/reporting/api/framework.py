"""API of reporting: the KPI framework: the versioned library file of indicators, sub-indicators
and questions, how answers score, and where pre-filled answers come from. Public reference
data, read only (loaded from its file by ``convenant load_kpi_framework``)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from convenant.core.api import PUBLIC
from convenant.reporting import framework as library
from convenant.reporting.models import Framework

router = Router(tags=["reporting"])


class Error(Schema):
    detail: str


class FrameworkOut(Schema):
    version: str
    title: str
    title_en: str
    previous: str
    digest: str


class QuestionOut(Schema):
    code: str
    previous_code: str
    kind: str
    role: str
    text: str
    text_en: str
    help: str
    help_en: str
    choices: list[dict[str, str]]
    positive_when: dict[str, Any]
    required: bool
    allows_not_applicable: bool
    depends_on: str
    depends_value: Any = None
    prefill: str


class SubIndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    not_applicable: str
    questions: list[QuestionOut]


class FrameworkIndicatorOut(Schema):
    code: str
    questionnaire: str
    name: str
    name_en: str
    description: str
    description_en: str
    not_applicable: str
    subindicators: list[SubIndicatorOut]


class FrameworkTreeOut(FrameworkOut):
    indicators: list[FrameworkIndicatorOut]


def _framework(f: Framework) -> dict[str, Any]:
    return {
        "version": f.version,
        "title": f.title,
        "title_en": f.title_en,
        "previous": f.previous.version if f.previous else "",
        "digest": f.digest,
    }


INDICATOR_FIELDS = ("code", "name", "name_en", "description", "description_en", "not_applicable")
QUESTION_FIELDS = tuple(QuestionOut.model_fields)


@router.get(
    "/reporting/frameworks",
    response=list[FrameworkOut],
    auth=PUBLIC,
    summary="The versions of the KPI framework",
)
def list_kpi_frameworks(request: HttpRequest) -> Any:
    """Every version, oldest first, with the version it continues and its file's SHA-256."""
    found = Framework.objects.visible_to(request.user).select_related("previous")
    return [_framework(f) for f in sorted(found, key=lambda f: library.version_key(f.version))]


@router.get(
    "/reporting/frameworks/{version}",
    response={200: FrameworkTreeOut, 404: Error},
    auth=PUBLIC,
    summary="One version of the KPI framework: indicators, sub-indicators and questions",
)
def get_kpi_framework(request: HttpRequest, version: str) -> Any:
    """The main indicators in order (both questionnaires), each with its sub-indicators and
    their questions: kind, dependency, what makes an answer positive, the not-applicable
    rules, the pre-fill source and the question each continues in the previous version."""
    framework = (
        Framework.objects.visible_to(request.user)
        .select_related("previous")
        .filter(version=version)
        .first()
    )
    if framework is None:
        return Status(404, {"detail": "There is no KPI framework with this version."})
    return {
        **_framework(framework),
        "indicators": [
            {
                **{f: getattr(main.indicator, f) for f in INDICATOR_FIELDS},
                "questionnaire": main.indicator.questionnaire,
                "subindicators": [
                    {
                        **{f: getattr(sub.indicator, f) for f in INDICATOR_FIELDS},
                        "questions": [
                            {f: getattr(q, f) for f in QUESTION_FIELDS} for q in sub.questions
                        ],
                    }
                    for sub in main.subs
                ],
            }
            for main in library.tree(framework)
        ],
    }
