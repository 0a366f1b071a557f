"""API of reporting: the monitoring report: the figures per indicator by count and by invested
assets, frozen at sign-off, rendered as HTML, PDF and XLSX. Writes go through the same actions
as the pages."""

from ninja import Router

router = Router(tags=["reporting"])
