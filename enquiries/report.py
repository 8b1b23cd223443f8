"""``python -m enquiries.report``: how the hospital teams answer their enquiries, per hospital and week.

For each hospital (the central team's and unrouted enquiries together) and ISO week in UK time:
enquiries received, acknowledged, acknowledged within the reply deadline, missed, still open,
the share within the deadline, the median time to acknowledge (working hours, and clock hours)
and the outcomes recorded. ``--weeks N`` (default 4) covers this week and the N-1 before it;
``--json`` prints the figures as JSON. The definitions are in ``chalicelib/enquiries/report.py``.

Reads the app's settings from the environment (``ENQUIRIES_TABLE`` and the rest: the stage's
values; ``STAGE`` defaults to ``local`` here) and uses the AWS credentials in it. It scans the
enquiries table, reading no personal attribute. Exit status: 0 done; 1 the table could not be
read; 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m enquiries.report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=4, metavar="N", help="this week and the N-1 before (default 4)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.weeks <= 104:
        parser.error("--weeks must be from 1 to 104")
    return args


def first_day(now: datetime, weeks: int) -> datetime:
    """Monday 00:00 UK time, ``weeks - 1`` weeks before this week's, as an aware UTC datetime."""
    from chalicelib.enquiries.deadlines import UK_TIME

    today = now.astimezone(UK_TIME).date()
    monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    return datetime.combine(monday, time(0), tzinfo=UK_TIME).astimezone(UTC)


def main(argv: list[str] | None = None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> int:
    args = parse_args(argv)
    os.environ.setdefault("STAGE", "local")
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib import deps
    from chalicelib.config import ConfigError
    from chalicelib.enquiries.bank_holidays import ENGLAND_AND_WALES, EVERY_DAY
    from chalicelib.enquiries.record import stored_time
    from chalicelib.enquiries.report import as_table, figures

    try:
        services = deps.services()
        reader = services.enquiry_report
        every_day = services.app_settings.reply_calendar == "every-day"
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    now = clock()
    since = first_day(now, args.weeks)
    try:
        weeks = figures(reader.rows(since=stored_time(since)), now, EVERY_DAY if every_day else ENGLAND_AND_WALES)
    except (BotoCoreError, ClientError) as exc:
        print(f"The enquiries table could not be read: {type(exc).__name__}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"since": stored_time(since), "now": stored_time(now), "weeks": [w.as_dict() for w in weeks]}))
    elif weeks:
        print(as_table(weeks))
    else:
        print(f"No enquiries since {stored_time(since)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
