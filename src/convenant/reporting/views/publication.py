"""Views of reporting: what is published: disclosure control, the steering group's approval
(governance effects), the public report pages, the annual meeting pack and the trend across
cycles."""

from __future__ import annotations
