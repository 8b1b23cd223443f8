"""The text patterns that more than one part checks against, each defined once: ids and
slugs, e-mail addresses, and the control characters plain text may not hold.

Each is written to mean the same in Python's ``re`` and in the ECMA-262 dialect JSON Schema
and OpenAPI use, since the catalog's schema and the API document publish them as they are.
"""

from __future__ import annotations

import re

# Ids of specialists and hospitals, and treatment slugs: in the feeds, the URLs and enquiries.
ID = r"^[a-z0-9-]{1,64}$"
ID_FORMAT = re.compile(ID)
# One plain addr-spec, ASCII only (SES does not support SMTPUTF8).
EMAIL = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
EMAIL_FORMAT = re.compile(EMAIL)

# Character classes, without their brackets, to build checks from.
CONTROL = r"\u0000-\u001F\u007F-\u009F"  # C0, DEL and C1
CONTROL_BUT_LINE_BREAKS = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F"  # keeps tab, LF and CR
CONTROL_BUT_TAB_AND_NEWLINE = r"\u0000-\u0008\u000B-\u001F\u007F-\u009F"  # keeps tab and LF: CR too is dropped
LINE_SEPARATORS = r"\u2028\u2029"  # Unicode's line and paragraph separators

ONE_LINE_BREAKERS = re.compile(f"[{CONTROL}{LINE_SEPARATORS}]")
"""Anything that breaks a one-line value (a header, a name): every control character and the
Unicode separators."""
CONTROL_IN_TEXT = re.compile(f"[{CONTROL_BUT_LINE_BREAKS}]")
"""Control characters a multi-line text may not hold (tab, LF and CR allowed)."""
