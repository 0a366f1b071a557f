"""Actions of the deep track: a case's yearly lessons at three levels, a lesson put to the steering
group as a recommendation for the toolkit, and the case's closure (outcome, rationale, lessons)
reported to the monitoring committee and the steering group."""

from __future__ import annotations
