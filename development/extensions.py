"""What 干部培养 adds to the cadre page (registered in DevelopmentConfig.ready): the 培养锻炼
panel with the cadre's programme assignments and the pools they are in now."""

from __future__ import annotations

from typing import Any

from cadres.extensions import Panel
from development.selectors import cadre_development

# After the alerts (10) and 政治素质 (100): warnings and conduct first, development records after.
PANEL_ORDER = 200


def development_panel(user: Any, cadre: Any) -> Panel | None:
    """The 培养锻炼 panel, or nothing when the cadre has no assignment or pool the user may see."""
    found = cadre_development(user=user, cadre=cadre)
    if not found:
        return None
    return Panel(
        order=PANEL_ORDER,
        template="development/_cadre_panel.html",
        context={"assignments": found.assignments, "pools": found.pools},
    )
