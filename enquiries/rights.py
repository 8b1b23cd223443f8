"""``python -m enquiries.rights``: export or erase what is held under one e-mail address.

``export --email X [--out FILE]`` writes the JSON of what is held (every enquiry's attributes,
their idempotency records, the address's rate counters, and what this cannot reach);
``erase --email X [--yes]`` deletes the enquiries whose e-mails have gone, their idempotency
records and the rate counters, and prints what it deleted, what it left in flight and what it
could not reach. Both find the address's enquiries through the ``by-email`` index (never a scan),
so its aliases (``+tag``, Gmail's dots) are included. See ``chalicelib/enquiries/rights.py``.

Reads the app's settings from the environment (the tables, ``RATE_LIMIT_SALT``: the stage's
values; ``STAGE`` defaults to ``local`` here) and uses the AWS credentials in it. Exit status:
0 done; 1 the store could not be reached; 2 bad usage or configuration; 3 erased, but some
enquiries were in flight and kept (run again once they are sent).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

_ADDRESS = re.compile(r"^[^\s@]+@[^\s@]+$")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m enquiries.rights", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the JSON of what is held under the address")
    export.add_argument("--email", required=True, help="the patient's e-mail address")
    export.add_argument("--out", metavar="FILE", help="write the JSON here (default: standard output)")
    erase = commands.add_parser("erase", help="delete what is held under the address")
    erase.add_argument("--email", required=True, help="the patient's e-mail address")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    if len(args.email) > 254 or not _ADDRESS.fullmatch(args.email):
        parser.error("--email must be an e-mail address such as name@example.com")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("STAGE", "local")
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib import deps
    from chalicelib.config import ConfigError
    from chalicelib.enquiries.rights import audit_line

    try:
        rights = deps.services().data_rights
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "erase" and not args.yes and not _confirmed():
        print("Nothing erased.", file=sys.stderr)
        return 2
    caller = f"cli:{os.environ.get('USER', 'unknown')}"
    key = rights.email_key(args.email)
    try:
        if args.command == "export":
            export = rights.export(args.email)
            _write(export, args.out)
            counts = {name: len(export[name]) for name in ("enquiries", "idempotency_records", "rate_counters")}
            _audit(audit_line("export", caller, key, counts))
            return 0
        erasure = rights.erase(args.email)
    except (BotoCoreError, ClientError) as exc:
        print(f"The store could not be reached: {type(exc).__name__}", file=sys.stderr)
        return 1
    _write(erasure, None)
    counts = {
        "deleted_enquiries": len(erasure["deleted_enquiries"]),
        "in_flight": len(erasure["in_flight"]),
        "deleted_idempotency_records": erasure["deleted_idempotency_records"],
        "deleted_rate_counters": erasure["deleted_rate_counters"],
    }
    _audit(audit_line("erase", caller, key, counts))
    if erasure["in_flight"]:
        print(
            f"{len(erasure['in_flight'])} enquiries are in flight (their e-mails may be going) and were kept: "
            "run the erasure again once they are sent.",
            file=sys.stderr,
        )
        return 3
    return 0


def _audit(line: str) -> None:
    """The audit line on standard error (keyed hash and counts, never the address), for the
    operator's record of the request; the DynamoDB calls are in CloudTrail if data events are on."""
    print(line, file=sys.stderr)


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        print("erase deletes data: confirm with --yes", file=sys.stderr)
        return False
    return input("Erase everything held under this address? Type yes: ").strip() == "yes"


def _write(answer: Any, out: str | None) -> None:
    text = json.dumps(answer, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: the owner only
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"Wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
