"""zh-hans formats with ISO dates first among the input formats.

Django renders a form's date value with the first ``DATE_INPUT_FORMATS`` entry of the active
locale, and zh-hans puts ``%Y/%m/%d`` first. An ``<input type="date">`` only accepts
``YYYY-MM-DD`` (HTML 4.10.5.1.7), so with the stock order every prefilled date field showed
empty in the browser. Parsing still accepts the same forms as before.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _STOCK_DATE
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _STOCK_DATETIME

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _STOCK_DATE if f != "%Y-%m-%d")]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    *(f for f in _STOCK_DATETIME if f not in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")),
]
