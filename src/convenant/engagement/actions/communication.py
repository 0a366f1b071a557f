"""Actions of the deep track: a case's communications (step E: generated from publishable fields,
approved by the group, published), the public case pages, yearly lessons, closure, and the case
report as HTML and PDF."""

from __future__ import annotations
