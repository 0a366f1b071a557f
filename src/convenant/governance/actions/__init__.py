"""Governance actions, by area: decisions (proposals, votes, the decision log), bodies
(seats, people, meetings, action items), budget (budget, communication, the annual meeting)."""
