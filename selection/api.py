"""/api/v1/ endpoints of the selection app."""

from ninja import Router

router = Router(tags=["selection"])
