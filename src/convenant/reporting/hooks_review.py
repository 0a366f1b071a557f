"""What reporting's review area adds to the rest of the product: the audit verbs of the
committee's review (a party's confidential business) and of its findings, and its e-mails."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_confidential_verbs, register_verbs
from convenant.core.mail import register_email_purpose

# About one party's submission: only that party's administrators read the content in the log.
SUBMISSION_VERBS: dict[str, str | Promise] = {
    "reporting.start_review": _("Review of a submission started"),
    "reporting.raise_question": _("Question raised about a submission"),
    "reporting.send_questions": _("Questions sent to a party"),
    "reporting.answer_question": _("Committee's question answered"),
    "reporting.reply_question": _("Committee's question followed up"),
    "reporting.resolve_question": _("Committee's question resolved"),
    "reporting.confirm_score": _("Score confirmed by the committee"),
    "reporting.correct_score": _("Score corrected by the committee"),
    "reporting.confirm_scores": _("Scores confirmed by the committee as computed"),
    "reporting.accept_submission": _("Submission accepted"),
    "reporting.supersede_submission": _("Submission superseded by its correction"),
    "reporting.exclude_submission": _("Submission left out of the figures"),
    "reporting.include_submission": _("Submission taken back into the figures"),
    "reporting.reopen_submission": _("Submission reopened"),
    "reporting.start_correction": _("Correction of a submission started"),
}
FINDING_VERBS: dict[str, str | Promise] = {
    "reporting.add_finding": _("Finding written"),
    "reporting.update_finding": _("Finding changed"),
    "reporting.move_finding": _("Findings reordered"),
    "reporting.delete_finding": _("Finding removed"),
}


def register() -> None:
    from convenant.reporting.actions.review import QUESTIONS_MAIL, REOPENED_MAIL

    navigation.register_nav_item(
        navigation.NavItem(
            _("Monitoring review"),
            "reporting_review_home",
            lambda a: a.is_monitoring_committee or a.is_secretariat,
            82,
        )
    )
    register_verbs(SUBMISSION_VERBS)
    register_verbs(FINDING_VERBS)
    register_confidential_verbs(SUBMISSION_VERBS)
    register_email_purpose(QUESTIONS_MAIL, _("The monitoring committee's questions to a party"))
    register_email_purpose(REOPENED_MAIL, _("A party's submission reopened"))
