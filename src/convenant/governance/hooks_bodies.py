"""What the bodies and meetings part of governance plugs into the rest: its audit verbs,
navigation, the calendar's meeting source and the demo (bodies, people and meetings)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from convenant.core import navigation
from convenant.core.audit import register_verbs
from convenant.core.demo import register_demo_loader


def register() -> None:
    from convenant.governance import calendar, demo_bodies

    register_verbs(
        {
            "governance.create_body": _("Body created"),
            "governance.add_seat": _("Seat added"),
            "governance.assign_seat": _("Person assigned to a seat"),
            "governance.end_assignment": _("Seat assignment ended"),
            "governance.add_membership": _("Person added to a body"),
            "governance.end_membership": _("Body membership ended"),
            "governance.create_meeting": _("Meeting created"),
            "governance.advance_meeting": _("Meeting moved to its next state"),
            "governance.add_agenda_item": _("Agenda item added"),
            "governance.add_agenda_document": _("Meeting document added"),
            "governance.record_attendance": _("Attendance recorded"),
            "governance.record_item_outcome": _("Agenda item's outcome recorded"),
            "governance.save_minutes": _("Draft minutes saved"),
            "governance.send_minutes": _("Draft minutes sent to the members"),
            "governance.propose_amendment": _("Amendment to the minutes proposed"),
            "governance.answer_amendment": _("Amendment to the minutes answered"),
            "governance.create_action_item": _("Action item created"),
            "governance.complete_action_item": _("Action item done"),
            "governance.renew_calendar_feed": _("Calendar address renewed"),
            "governance.load_demo_bodies": _("Demo bodies and meetings loaded"),
        }
    )
    navigation.register_nav_item(navigation.NavItem(_("Bodies"), "body_list", lambda a: True, 70))
    navigation.register_nav_item(
        navigation.NavItem(
            _("Action items"),
            "action_list",
            lambda a: bool(a.body_ids) or a.is_secretariat,
            71,
        )
    )
    calendar.register()
    register_demo_loader("governance_bodies", demo_bodies.load_and_describe, 20)
