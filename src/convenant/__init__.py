"""convenant: runs a multi-stakeholder responsible-investment covenant and its due diligence."""

from convenant.worker import app as celery_app

__all__ = ["celery_app"]
