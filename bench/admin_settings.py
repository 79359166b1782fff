"""Settings of a bench run: the project's settings plus Django's admin, for one comparison.

The project deliberately mounts no admin (see zugong/urls.py). The bench mounts one under
``/bench-admin/`` only to measure a stock changelist of the same cadres next to the roster
(``cadre_roster_admin_ratio`` in bench/README.md). ``SimpleAdminConfig`` skips autodiscovery,
so nothing but the ModelAdmins of bench/admin_urls.py is registered.
"""

from zugong.settings import *  # noqa: F403
from zugong.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin.apps.SimpleAdminConfig"]
ROOT_URLCONF = "bench.admin_urls"
