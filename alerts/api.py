"""/api/v1/ endpoints of the alerts app."""

from ninja import Router

router = Router(tags=["alerts"])
