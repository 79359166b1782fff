"""/api/v1/ endpoints of the development app."""

from ninja import Router

router = Router(tags=["development"])
