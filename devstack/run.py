"""``make run``: the whole stack in the foreground until Ctrl-C.

Ports come from ``OPENSEARCH_PORT`` (9200), ``MOTO_PORT`` (5000) and ``API_PORT`` (8000).
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from chalicelib.config import ConfigError
from devstack.stack import PROJECT_DIR, LocalStack


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip() or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"Configuration error: {variable} must be a TCP port number (got {raw!r})")
    return int(raw)


def main() -> int:
    stack = LocalStack(
        opensearch_port=_port("OPENSEARCH_PORT", 9200),
        moto_port=_port("MOTO_PORT", 5000),
        api_port=_port("API_PORT", 8000),
        workdir=PROJECT_DIR / ".local" / "run",
    )
    # Ctrl-C, SIGTERM and a closed terminal all stop the children in order. SIGINT is
    # set explicitly because a shell that starts us in the background may ignore it.
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _interrupt)
    print("Starting OpenSearch, moto and the API (the first run builds the OpenSearch launcher)...", flush=True)
    try:
        stack.start()
        _print_urls(stack)
        signal.pause()
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as exc:
        print(f"The local stack did not start: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
    return 0


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _print_urls(stack: LocalStack) -> None:
    print(
        "\nFind a Specialist is running:\n"
        f"  API          {stack.api_url}        (try {stack.api_url}/health)\n"
        f"  OpenSearch   {stack.node.url}\n"
        f"  moto (AWS)   {stack.moto_url}\n"
        f"  logs         {stack.workdir}\n"
        "Press Ctrl-C to stop everything.",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
