"""Load: mixed search, typeahead, profile and enquiry traffic at rising concurrency (issue 8).

The local stack (OpenSearch node, moto server, API server, stream worker) is started with the
enquiry rate limits raised to their maxima, as ``enquiry_bench.load`` does. Locust then runs
headless in a second process (``bench/locustfile.py``; gevent stays there) against the API on
127.0.0.1, one bounded step per concurrency: 1, 2, 4, ... users, each for a fixed time. Every
answer is logged with its latency, so each step gives requests/s, p50/p95/p99 per request type
and the errors by status. The rise stops shortly after the knee (defined at :func:`_bend`).
After the traffic, every enquiry answered 202 must be stored once and e-mailed twice (the
hospital team and the patient): ``enquiry_bench.drain`` counts them.

The knee is this machine's: two cores shared by OpenSearch, the API server (one Python
process), the moto server (one lock around every request, so enquiries are bounded at about
50/s) with the stream worker, and Locust itself. In AWS, Lambda scales out per request.

    python -m bench.load_bench [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import load_analytics, plots
from bench.enquiry_bench import RATE_LIMITS, drain, environment, exceptions_logged, percentiles, warm_up

if TYPE_CHECKING:
    from devstack.stack import LocalStack

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
JUDGMENTS = PROJECT_DIR / "relevance" / "judgments.json"

USERS = (1, 2, 4, 8, 16, 32, 64)
STEP_S = 25
QUICK_USERS = (1, 4, 16, 64)
QUICK_STEP_S = 10
WARM_UP_S = 2.0  # each step's first seconds (users starting, connections opening) are not measured
STOP_TIMEOUT_S = 10  # at a step's end, users finish the request they are in: no enquiry cut short
STEP_GRACE_S = 60  # beyond the step's time, before the Locust process is deemed stuck
DRAIN_TIMEOUT_S = 180.0
CHECKED_SAMPLES = 20  # prefixes and profiles asked once before the steps, besides every search

# The knee: the last step before the first that bends (see _bend).
MIN_GAIN = 0.10
MAX_P95_RATIO = 2.0
# p95 is judged against the median p95 of the first steps, not the 1-user step alone: one
# user's p95 is a few dozen samples, and its first requests meet caches still cold.
BASELINE_STEPS = 3
STEPS_PAST_KNEE = 2  # the step that bends and one more, to show the trend; then the rise stops

# Compressed think time: a patient pauses for seconds; this is shortened so that a few dozen
# users saturate this machine within bounded steps.
THINK_S = (0.1, 0.5)
# The locustfile's task weights: mostly searches, some narrowed (reported as searches too).
WEIGHTS = {"search": 40, "refined_search": 12, "typeahead": 30, "profile": 14, "enquiry": 4}
REQUEST_TYPES = ("search", "typeahead", "profile", "enquiry", "event")
EXPECTED_STATUS = {"search": 200, "typeahead": 200, "profile": 200, "enquiry": 202, "event": 202}
# Click events (issue 18), sent within the search and typeahead tasks: the share of answers with
# results that get a click, of those a second click, of typeahead answers a pick; the actions' weights.
CLICKS = {
    "after_search": 0.5,
    "again": 0.25,
    "after_typeahead": 0.2,
    "actions": {"view_profile": 70, "book": 15, "enquire": 15},
}
EVENTS_RATE = {"EVENTS_RATE_PER_HOUR": "100000"}  # the setting's maximum
PREFIX_LENGTHS = range(2, 13)  # what a patient has typed when the typeahead asks
# Searches a patient narrows: filters, a place, a later page (valid over the demo catalog).
REFINED: tuple[dict[str, str], ...] = (
    {"q": "psychiatrist", "sees_children": "true"},
    {"q": "dermatologist", "gender": "female"},
    {"q": "knee replacement", "bookable_online": "true"},
    {"specialty": "cardiology", "near": "Guildford", "sort": "distance"},
    {"q": "cataract surgery", "near": "NW4 1RP", "radius_miles": "25"},
    {"q": "hip replacement", "hospital": "hendon"},
    {"q": "back pain", "page": "2"},
    {"q": "cardiology", "page": "3", "page_size": "10"},
    {"specialty": "psychiatry", "language": "hindi"},
    {"q": "eczema", "insurer": "bupa"},
    {"q": "orthopaedic surgeon", "near": "Bolton", "sort": "distance", "page": "2"},
    {"near": "Bath", "sort": "name"},
)


def run(quick: bool) -> dict[str, Any]:
    """Start a local stack on free ports, step the load up past the knee, account for the enquiries."""
    from devstack.stack import LocalStack

    users, step_s = (QUICK_USERS, QUICK_STEP_S) if quick else (USERS, STEP_S)
    with tempfile.TemporaryDirectory(prefix="fas-load-") as tmp, environment({**RATE_LIMITS, **EVENTS_RATE}):
        workdir = Path(tmp)
        started = time.perf_counter()
        with LocalStack(workdir=workdir / "stack") as stack:
            startup_s = time.perf_counter() - started
            result = _run_against(stack, workdir, users, step_s)
            result["stack_startup_s"] = round(startup_s, 1)
            result["wall_s"] = round(time.perf_counter() - started, 1)
            return result


def _run_against(stack: LocalStack, workdir: Path, users: tuple[int, ...], step_s: int) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    plan = _plan(stack, tag)
    _check(stack.api_url, plan)
    warm_up(stack.api_url, tag)
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan))
    load_analytics.empty(stack.node.url)
    started = datetime.now(UTC)
    steps, records = _rise(stack.api_url, plan_path, workdir, users, step_s)
    knee = _knee(steps)
    below = _at_or_below_knee(steps, knee)
    result: dict[str, Any] = {
        "users": list(users),
        "step_s": step_s,
        "warm_up_s": WARM_UP_S,
        "think_s": list(THINK_S),
        "mix": WEIGHTS,
        "profiles": {"indexed": len(plan["profiles"]), "not_indexed": plan["not_indexed"]},
        "steps": steps,
        "baseline": _baseline(steps),
        "knee": None if knee is None else _knee_summary(steps, knee),
        "server_errors_to_knee": sum(step["server_errors"] for step in steps[:below]),
        "server_errors": sum(step["server_errors"] for step in steps),
        "enquiries": _enquiries(stack, tag, [line for step in records for line in step]),
        "analytics": load_analytics.check(
            stack.node.url, sorted(workdir.glob("step-*-tally.json")), started, stack.api_log
        ),
    }
    tracebacks = exceptions_logged(stack.api_log)  # a 500's cause; a handled 503 leaves none
    if tracebacks:
        result["api_log_exceptions"] = tracebacks
    shown = max(below - 1, 0)  # the knee, or the top step while there is none
    result["plots"] = _plots(steps, records[shown], steps[shown]["users"])
    return result


def _rise(
    api_url: str, plan: Path, workdir: Path, users: tuple[int, ...], step_s: int
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """One step per concurrency, until STEPS_PAST_KNEE steps past the knee: each step's
    summary, and its answers."""
    steps: list[dict[str, Any]] = []
    records: list[list[dict[str, Any]]] = []
    for index, count in enumerate(users):
        print(f"load: {count} users for {step_s} s...", flush=True)
        records.append(_step(api_url, plan, workdir, index, count, step_s))
        steps.append(_summary(records[-1], count))
        _judge(steps)
        knee = _knee(steps)
        if knee is not None and index - knee >= STEPS_PAST_KNEE:
            break
    return steps, records


# --- What the patients ask ---------------------------------------------------------------


def _plan(stack: LocalStack, tag: str) -> dict[str, Any]:
    """The locustfile's material: think time and task weights, judged queries (with their
    places), refined searches, typeahead prefixes of the judged queries, the id of every demo
    specialist the index holds (the generated ones it does not hold are counted in
    ``not_indexed``), the click events' shares, and the tag that makes the run's addresses
    ``bench.{tag}.N@example.com``."""
    from opensearchpy import OpenSearch, helpers

    from devstack.stack import DEMO_SEED, stage_environment
    from indexer.demo import generate

    judged = json.loads(JUDGMENTS.read_text())["queries"]
    searches = [{**({"q": query["q"]} if query["q"] else {}), **query.get("params", {})} for query in judged]
    typed = [query["q"].lower() for query in judged if query["q"]]
    prefixes = list(dict.fromkeys(text[:length] for text in typed for length in PREFIX_LENGTHS if length <= len(text)))
    client = OpenSearch(hosts=[stack.node.url], timeout=60)
    alias = stage_environment()["SEARCH_ALIAS"]
    indexed = {hit["_id"] for hit in helpers.scan(client, index=alias, query={"_source": False})}
    generated = [specialist.id for specialist in generate(stack.demo_count, seed=DEMO_SEED)]
    profiles = [sid for sid in generated if sid in indexed]
    return {
        "not_indexed": len(generated) - len(profiles),
        "tag": tag,
        "think_s": THINK_S,
        "weights": WEIGHTS,
        "searches": searches,
        "refined": list(REFINED),
        "prefixes": prefixes,
        "profiles": profiles,
        "clicks": CLICKS,
    }


def _check(api_url: str, plan: dict[str, Any]) -> None:
    """Ask every search and a sample of the rest once, one at a time: each must answer 200, so
    that an error under load is the load's. Also warms the API server's and OpenSearch's caches."""
    rng = random.Random(0)  # noqa: S311 - a sample to check, not a secret
    paths = [f"/specialists?{urllib.parse.urlencode(params)}" for params in plan["searches"] + plan["refined"]]
    paths += [f"/suggest?{urllib.parse.urlencode({'q': q})}" for q in rng.sample(plan["prefixes"], CHECKED_SAMPLES)]
    paths += [f"/specialists/{urllib.parse.quote(sid)}" for sid in rng.sample(plan["profiles"], CHECKED_SAMPLES)]
    for path in paths:
        try:
            urllib.request.urlopen(f"{api_url}{path}", timeout=30).close()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"before the load, GET {path} answered {exc.code}") from exc


# --- One step: a Locust process --------------------------------------------------------


def _step(api_url: str, plan: Path, workdir: Path, index: int, users: int, step_s: int) -> list[dict[str, Any]]:
    """``users`` patients for ``step_s`` seconds, all started within the first second; the
    answers the locustfile logged, one dict each."""
    from devstack.processes import log_tail

    out, log = workdir / f"step-{index}.jsonl", workdir / f"step-{index}.log"
    argv = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", api_url,
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{step_s}s",
        "--stop-timeout", str(STOP_TIMEOUT_S), "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {
        **os.environ,
        "LOAD_BENCH_PLAN": str(plan),
        "LOAD_BENCH_OUT": str(out),
        "LOAD_BENCH_STEP": str(index),
        "LOAD_BENCH_TALLY": str(workdir / f"step-{index}-tally.json"),
    }
    with log.open("wb") as sink:
        done = subprocess.run(
            argv, cwd=PROJECT_DIR, env=env, stdout=sink, stderr=subprocess.STDOUT,
            timeout=step_s + STOP_TIMEOUT_S + STEP_GRACE_S, check=False,
        )  # fmt: skip
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"locust exited {done.returncode} at {users} users:\n{log_tail(log)}")
    return [json.loads(line) for line in out.read_text().splitlines()]


def _summary(records: list[dict[str, Any]], users: int) -> dict[str, Any]:
    """Throughput and latency over the step after its warm-up; errors over the whole step."""
    first = min(record["at"] for record in records)
    measured = [record for record in records if record["at"] >= first + WARM_UP_S]
    window_s = max(record["at"] for record in measured) - (first + WARM_UP_S)
    failed = [record for record in records if record["status"] != EXPECTED_STATUS[record["type"]]]
    return {
        "users": users,
        "requests": len(measured),
        "window_s": round(window_s, 1),
        "rps": round(len(measured) / window_s, 1),
        "all": _latency([record["ms"] for record in measured]),
        "types": {kind: _latency([r["ms"] for r in measured if r["type"] == kind]) for kind in REQUEST_TYPES},
        # "type status code" -> answers, e.g. "search 503 search_unavailable"
        "errors_by_kind": dict(Counter(f"{record['type']} {_status(record)}" for record in failed).most_common()),
        "errors": len(failed),
        "server_errors": sum(1 for record in records if record["status"] >= 500),
    }


def _status(record: dict[str, Any]) -> str:
    """The status and, for an error, the API's error code (or why there was no answer)."""
    if not record["status"]:
        return f"no answer ({record.get('error', '?')})"
    return " ".join((str(record["status"]), *([record["error"]] if "error" in record else [])))


def _latency(samples_ms: list[float]) -> dict[str, Any]:
    """n and p50/p95/p99 in ms; the percentiles only from two samples up."""
    found: dict[str, Any] = {"n": len(samples_ms)}
    if len(samples_ms) > 1:
        found.update(percentiles([ms / 1000 for ms in samples_ms], (50, 95, 99)))
    return found


# --- The knee ------------------------------------------------------------------------------


def _baseline(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ratios compare with: for p95, the median p95 (all requests) of the first
    BASELINE_STEPS steps (of those run so far); for requests/s, the 1-user step's."""
    first = steps[:BASELINE_STEPS]
    return {
        "p95_ms": round(statistics.median(step["all"]["p95_ms"] for step in first), 2),
        "p95_of_users": [step["users"] for step in first],
        "rps": steps[0]["rps"],
        "rps_of_users": steps[0]["users"],
    }


def _judge(steps: list[dict[str, Any]]) -> None:
    """Set every step's ``bent`` against the baseline of the steps run so far. Until
    BASELINE_STEPS steps have run the baseline may still move, so earlier verdicts are
    revised; the rise stops only STEPS_PAST_KNEE steps past a knee, by when it is final."""
    baseline = _baseline(steps)
    for index, step in enumerate(steps):
        step["bent"] = _bend(step, steps[index - 1] if index else None, baseline)


def _bend(step: dict[str, Any], previous: dict[str, Any] | None, baseline: dict[str, Any]) -> str | None:
    """Why this step is past the knee, or None: any error (a non-2xx answer or none at all),
    throughput up by less than MIN_GAIN over the step before, or p95 (all requests) more than
    MAX_P95_RATIO times the baseline's (see _baseline). The first step bends on errors only:
    it is the least load there is, so a slow one is noise, not a bend."""
    if step["errors"]:
        return f"{step['errors']} errors"
    if previous is None:
        return None
    if step["rps"] < (1 + MIN_GAIN) * previous["rps"]:
        return f"req/s {_change(step['rps'], previous['rps'])} over {previous['users']} users"
    ratio = step["all"]["p95_ms"] / baseline["p95_ms"]
    if ratio > MAX_P95_RATIO:
        return f"p95 x{ratio:.2f} the baseline's"
    return None


def _change(now: float, before: float) -> str:
    return f"{(now / before - 1) * 100:+.0f}%"


def _knee(steps: list[dict[str, Any]]) -> int | None:
    """The index of the last step before the first that bends; None while none has (or when
    the 1-user step itself bends: then there is no knee to report)."""
    for index, step in enumerate(steps):
        if step["bent"] is not None:
            return index - 1 if index else None
    return None


def _at_or_below_knee(steps: list[dict[str, Any]], knee: int | None) -> int:
    """How many steps ran at or below the knee: all of them while none bends, none when the
    1-user step does."""
    if knee is not None:
        return knee + 1
    return 0 if steps[0]["bent"] else len(steps)


def _knee_summary(steps: list[dict[str, Any]], knee: int) -> dict[str, Any]:
    step, baseline = steps[knee], _baseline(steps)
    return {
        "users": step["users"],
        "rps": step["rps"],
        "p95_ms": step["all"]["p95_ms"],
        "rps_ratio": round(step["rps"] / baseline["rps"], 2),
        "p95_ratio": round(step["all"]["p95_ms"] / baseline["p95_ms"], 2),
        "next": steps[knee + 1]["bent"] if knee + 1 < len(steps) else None,
    }


# --- Enquiries: stored once, e-mailed twice ------------------------------------------------


def _enquiries(stack: LocalStack, tag: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    answered = [record for record in records if record["type"] == "enquiry"]
    accepted = {record["reference"]: record["email"] for record in answered if record["status"] == 202}
    print(f"load: waiting for the e-mails of {len(accepted):,} accepted enquiries...", flush=True)
    found = drain(stack, tag, accepted, DRAIN_TIMEOUT_S)
    found.update(
        sent=len(answered),
        accepted=len(accepted),
        statuses=dict(sorted(Counter(_status(record) for record in answered).items())),
    )
    found["ok"] = (
        found["stored"] == len(accepted)
        and found["acknowledged_not_stored"] == 0
        and found["stored_twice"] == 0
        and found["emails_sent"] == 2 * len(accepted)
        and found["enquiries_with_both_emails"] == len(accepted)
        and found["patients_emailed"] == len(accepted)
        and found["duplicates"] == 0
        and found["stored_without_202"] == 0
    )
    return found


# --- Plots and the report ------------------------------------------------------------------


def _plots(steps: list[dict[str, Any]], knee_records: list[dict[str, Any]], knee_users: int) -> dict[str, str]:
    users = [float(step["users"]) for step in steps]
    at = knee_records[0]["at"] + WARM_UP_S if knee_records else 0.0
    paths = {
        "throughput": plots.lines(
            "load-throughput", users, {"requests/s (all types)": [step["rps"] for step in steps]},
            title="Throughput against concurrent users", xlabel="concurrent users (log scale)",
            ylabel="requests/s", log_x=True,
        ),
        "p95": plots.lines(
            "load-p95", users,
            {kind: [step["types"][kind].get("p95_ms", math.nan) for step in steps] for kind in REQUEST_TYPES},
            title="p95 latency against concurrent users", xlabel="concurrent users (log scale)",
            ylabel="p95 latency, ms", log_x=True,
        ),
        "knee_latency": plots.latency_distribution(
            "load-latency-at-knee",
            {kind: [r["ms"] for r in knee_records if r["type"] == kind and r["at"] >= at] for kind in REQUEST_TYPES},
            title=f"Latency by request type at {knee_users} users (the knee)",
        ),
    }  # fmt: skip
    return {name: f"plots/{path.name}" for name, path in paths.items()}


def markdown(result: dict[str, Any]) -> list[str]:
    """The report's "## Load" section."""
    return [
        "## Load",
        "",
        *_intro(result),
        *_steps_table(result),
        *_knee_lines(result),
        *_enquiry_table(result),
        *load_analytics.markdown(result.get("analytics")),
    ]


def _intro(result: dict[str, Any]) -> list[str]:
    think, mix, baseline = result["think_s"], result["mix"], _reported_baseline(result)
    share = {kind: round(100 * weight / sum(mix.values())) for kind, weight in mix.items()}
    return [
        "Locust, headless in a second process, against the local stack's API on 127.0.0.1 (OpenSearch node with "
        "the demo catalog, moto server, API server, stream worker), rate limits raised to their maxima. Each "
        f"simulated patient pauses {think[0]}-{think[1]} s (think time compressed from a patient's seconds) and then "
        f"searches ({share['search']}%: the judged queries of `relevance/judgments.json`), narrows a search "
        f"({share['refined_search']}%: filters, a place, a later page; counted as search), types into the typeahead "
        f"({share['typeahead']}%: prefixes of those queries), opens a profile ({share['profile']}%{_profiles(result)}) "
        "or sends an "
        f"enquiry ({share['enquiry']}%, each from an address of its own). Steps of rising concurrency, "
        f"{result['step_s']} s each, the first {result['warm_up_s']:.0f} s of each not measured; errors are counted "
        "over the whole step.",
        "",
        "This is the knee of this machine, not of the service: two CPUs shared by OpenSearch, the API server (one "
        "Python process), the moto server (one lock around every request, so enquiries top out near 50/s) with the "
        "stream worker, and Locust itself; in AWS, Lambda scales out per request. The machine is shared with other "
        "work, so the figures are noisy.",
        "",
        f"**Baseline for p95: the median p95 of all requests over the first {len(baseline['p95_of_users'])} steps "
        f"({_users(baseline['p95_of_users'])}), {baseline['p95_ms']} ms**, not the 1-user step alone (its p95 is a "
        "few dozen samples, and it meets caches still cold); **for requests/s: the "
        f"{baseline['rps_of_users']}-user step's**. The ratios compare each step with these. **Knee**: the last "
        f"step before the first that bends: any error (a non-2xx answer, or none), or, from the second step on, "
        f"requests/s up less than {MIN_GAIN:.0%} over the step before or p95 of all requests more than "
        f"{MAX_P95_RATIO:g} x the baseline's. The rise stops {STEPS_PAST_KNEE} steps past the knee.",
        "",
    ]


def _profiles(result: dict[str, Any]) -> str:
    """Which profiles are asked for: every demo specialist the index holds (said when some generated are not)."""
    profiles = result.get("profiles")
    if not profiles or not profiles["not_indexed"]:
        return ""
    return (
        f": one of the {profiles['indexed']:,} demo specialists the index holds; {profiles['not_indexed']:,} of "
        "those generated are not in it (not on the register: the indexer leaves them out)"
    )


def _steps_table(result: dict[str, Any]) -> list[str]:
    head = " | ".join(f"{kind} p50 / p95, ms" for kind in REQUEST_TYPES)
    lines = [
        f"| users | req/s | req/s ratio | {head} | p95 all, ms | p95 ratio | errors | 5xx | bends |",
        "| ---: | ---: | ---: |" + " ---: |" * len(REQUEST_TYPES) + " ---: | ---: | ---: | ---: | --- |",
    ]
    baseline = _reported_baseline(result)
    for step in result["steps"]:
        cells = " | ".join(_p50_p95(step["types"][kind]) for kind in REQUEST_TYPES)
        errors = ", ".join(f"{kind} x {n:,}" for kind, n in step["errors_by_kind"].items())
        lines.append(
            f"| {step['users']} | {step['rps']} | {step['rps'] / baseline['rps']:.2f} | {cells} | "
            f"{step['all']['p95_ms']} | {step['all']['p95_ms'] / baseline['p95_ms']:.2f} | "
            f"{errors or 0} | {step['server_errors']:,} | {step['bent'] or '-'} |"
        )
    return [*lines, ""]


def _reported_baseline(result: dict[str, Any]) -> dict[str, Any]:
    """The result's baseline; recomputed from its steps for a result recorded before it had one."""
    return dict(result["baseline"]) if "baseline" in result else _baseline(result["steps"])


def _users(counts: list[int]) -> str:
    named = [str(count) for count in counts]
    listed = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else named[0]
    return f"{listed} user{'s' if counts[-1] != 1 else ''}"


def _p50_p95(latency: dict[str, Any]) -> str:
    return f"{latency['p50_ms']} / {latency['p95_ms']}" if "p95_ms" in latency else "-"


def _knee_lines(result: dict[str, Any]) -> list[str]:
    knee, plot = result["knee"], result["plots"]
    if knee is None:
        bent = result["steps"][0]["bent"]
        top = result["steps"][-1]["users"]
        said = f"the 1-user step already bends ({bent})" if bent else f"not reached up to {top} users"
        headline = f"**Knee: {said}**."
    else:
        headline = (
            f"**Knee: {knee['users']} users**, {knee['rps']} req/s ({knee['rps_ratio']} x the 1-user step's), "
            f"p95 of all requests {knee['p95_ms']} ms ({knee['p95_ratio']} x the baseline); the next step bends: "
            f"{knee['next']}."
        )
    return [
        headline,
        f"5xx answers at and below the knee: {result['server_errors_to_knee']:,} (target 0); in every step: "
        f"{result['server_errors']:,}.",
        "",
        f"![throughput]({plot['throughput']}) ![p95]({plot['p95']}) ![latency at the knee]({plot['knee_latency']})",
        "",
    ]


def _enquiry_table(result: dict[str, Any]) -> list[str]:
    found = result["enquiries"]
    accepted = found["accepted"]
    statuses = ", ".join(f"{status} x {count:,}" for status, count in found["statuses"].items())
    return [
        f"Enquiries sent during the steps, then up to {found['drain_timeout_s']:.0f} s for the e-mails."
        + ("" if found["ok"] else " **Targets not met.**"),
        "",
        "| measure | measured | target |",
        "| --- | ---: | --- |",
        f"| answers | {statuses or '-'} | - |",
        f"| answered 202 | {accepted:,} | - |",
        f"| stored, of those answered 202 | {found['stored']:,} | {accepted:,} |",
        f"| answered 202 but not stored | {found['acknowledged_not_stored']:,} | 0 |",
        f"| stored twice (same submission, two references) | {found['stored_twice']:,} | 0 |",
        f"| stored though answered an error | {found['stored_without_202']:,} | 0 |",
        f"| e-mails sent for those answered 202 (after {found['drain_s']} s) | {found['emails_sent']:,} | "
        f"{2 * accepted:,} |",
        f"| enquiries with both e-mails (team and patient) | {found['enquiries_with_both_emails']:,} | {accepted:,} |",
        f"| duplicate e-mails (same reference, same recipient) | {found['duplicates']:,} | 0 |",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_bench")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_USERS} users, {QUICK_STEP_S} s steps")
    args = parser.parse_args(argv)
    result = run(args.quick)
    print(json.dumps(result, indent=2))
    print("\n".join(markdown(result)))
    return 0 if result["enquiries"]["ok"] and not result["server_errors_to_knee"] else 1


if __name__ == "__main__":
    sys.exit(main())
