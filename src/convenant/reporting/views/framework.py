"""Views of reporting: the KPI framework: the versioned library file of indicators, sub-
indicators and questions, how answers score, and where pre-filled answers come from. Public
reference data: no log-in."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convenant.reporting import framework as library
from convenant.reporting.models import Framework, NotApplicable, Question, Questionnaire
from convenant.reporting.prefill import LABELS


def _versions() -> list[Framework]:
    found = Framework.objects.visible_to(None).select_related("previous")
    return sorted(found, key=lambda f: library.version_key(f.version), reverse=True)


def framework_list(request: HttpRequest) -> HttpResponse:
    """Every version of the KPI framework, newest first, with what it continues."""
    versions = _versions()
    counts = library.counts([f.pk for f in versions])
    rows = [
        {
            "framework": f,
            "title": f.title_in(),
            "indicators": counts.get(f.pk, (0, 0))[0],
            "questions": counts.get(f.pk, (0, 0))[1],
        }
        for f in versions
    ]
    return render(request, "reporting/framework/list.html", {"rows": rows})


NA_WORDS = {
    NotApplicable.EXCLUDED: gettext_lazy("left out of the count"),
    NotApplicable.POSITIVE: gettext_lazy("counts as positive"),
    NotApplicable.NEGATIVE: gettext_lazy("counts as not positive"),
}


def _option(question: Question, value: Any) -> str:
    english = library.english()
    for choice in question.choices:
        if choice["value"] == str(value):
            return str(choice["label_en"] if english else choice["label"])
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def positive_words(question: Question) -> str:
    """What makes the answer positive, in words ("" when the question only informs)."""
    rule = question.positive_when
    if not rule:
        return ""
    unit = " %" if question.kind == Question.Kind.PERCENTAGE else ""
    if "equals" in rule:
        return _("the answer is “%(value)s”") % {"value": _option(question, rule["equals"])}
    if "in" in rule and len(rule["in"]) == 1:
        return _("the answer is “%(value)s”") % {"value": _option(question, rule["in"][0])}
    if "in" in rule:
        options = ", ".join(f"“{_option(question, v)}”" for v in rule["in"])
        return _("the answer is one of %(options)s") % {"options": options}
    if "at_least" in rule:
        return _("at least %(value)s") % {"value": f"{rule['at_least']}{unit}"}
    if "at_most" in rule:
        return _("at most %(value)s") % {"value": f"{rule['at_most']}{unit}"}
    return _("an answer is given")


def question_rows(framework: Framework, questions: list[Question]) -> list[dict[str, Any]]:
    by_code = {q.code: q for q in questions}
    rows = []
    for q in questions:
        depends = by_code.get(q.depends_on)
        rows.append(
            {
                "question": q,
                "text": q.text_in(),
                "help": q.help_in(),
                "kind": q.get_kind_display(),
                "role": q.get_role_display() if q.role else "",
                "depends": (
                    _("asked when %(code)s is “%(value)s”")
                    % {"code": q.depends_on, "value": _option(depends, q.depends_value)}
                    if depends
                    else ""
                ),
                "positive": positive_words(q),
                "prefill": LABELS.get(q.prefill, "") if q.prefill else "",
                "continues": (
                    _("continues %(code)s of %(version)s")
                    % {"code": q.previous_code, "version": framework.previous.version}
                    if q.previous_code and framework.previous
                    else ""
                ),
                "new": bool(framework.previous and not q.previous_code),
                "choices": [c["label_en"] if library.english() else c["label"] for c in q.choices],
            }
        )
    return rows


def framework_detail(request: HttpRequest, version: str) -> HttpResponse:
    """One version's tree: indicators, sub-indicators and questions, how each scores, the
    not-applicable rules, the pre-fill sources and what each question continues."""
    framework = (
        Framework.objects.visible_to(request.user)
        .select_related("previous")
        .filter(version=version)
        .first()
    )
    if framework is None:
        raise Http404(_("There is no KPI framework with this version."))
    questionnaires = []
    for key, label in Questionnaire.choices:
        mains = library.tree(framework, key)
        if not mains:
            continue
        sections = []
        for main in mains:
            subs = [
                {
                    "indicator": sub.indicator,
                    "name": sub.indicator.name_in(),
                    "description": sub.indicator.description_en
                    if library.english()
                    else sub.indicator.description,
                    "na": NA_WORDS[NotApplicable(sub.indicator.not_applicable)],
                    "questions": question_rows(framework, sub.questions),
                }
                for sub in main.subs
            ]
            sections.append(
                {
                    "indicator": main.indicator,
                    "name": main.indicator.name_in(),
                    "description": main.indicator.description_en
                    if library.english()
                    else main.indicator.description,
                    "na": NA_WORDS[NotApplicable(main.indicator.not_applicable)],
                    "subs": subs,
                }
            )
        questionnaires.append({"key": key, "label": label, "sections": sections})
    return render(
        request,
        "reporting/framework/detail.html",
        {
            "framework": framework,
            "title": framework.title_in(),
            "questionnaires": questionnaires,
            "versions": _versions(),
        },
    )
