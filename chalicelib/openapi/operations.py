"""Every public operation: what it takes and every answer it can give.

Bodies and answers name their models; query parameters are the parsers' own
declarations. ``tests/unit/test_openapi.py`` checks that every route of the app is here,
and the end-to-end fuzz test that the answers of the running stack match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.analytics.click_events import MAX_BODY_KIB as MAX_EVENT_KIB
from chalicelib.analytics.click_events import ClickEvent, EventRecorded
from chalicelib.enquiries.endpoint import IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_HEADER
from chalicelib.enquiries.followup import EnquiryAction, EnquiryActionDone
from chalicelib.enquiries.links import PURPOSES
from chalicelib.enquiries.request import MAX_BODY_BYTES, EnquiryRequest
from chalicelib.enquiries.rights import DataErasure, DataExport, DataRightsRequest
from chalicelib.enquiries.submit import EnquiryAccepted
from chalicelib.error_shapes import ErrorBody
from chalicelib.health import HealthBody
from chalicelib.patterns import ID
from chalicelib.search.hospital_responses import HospitalList, HospitalPage
from chalicelib.search.hospitals import HOSPITAL_PAGE_QUERY, HOSPITALS_QUERY
from chalicelib.search.parameters import QueryParameter
from chalicelib.search.request import SEARCH_QUERY
from chalicelib.search.responses import Profile, SearchResults, Suggestions
from chalicelib.search.suggest import SUGGEST_QUERY
from chalicelib.treatments.pages import TREATMENT_PAGE_QUERY, TREATMENTS_QUERY
from chalicelib.treatments.responses import TreatmentList, TreatmentPage


@dataclass(frozen=True)
class Answer:
    status: int
    description: str
    model: type[Any] | None = None  # a JSON body of this shape
    media_type: str = "application/json"
    # Plain text: an HTML page, a stylesheet or script, or a JSON document of its own.
    free_form: bool = False
    retry_after: bool = False
    query_id: bool = False  # carries the X-Query-Id header


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    tag: str
    summary: str
    answers: tuple[Answer, ...]
    description: str = ""
    query: tuple[QueryParameter, ...] = ()
    # Raw OpenAPI parameter objects for the path and headers.
    parameters: tuple[dict[str, Any], ...] = ()
    body: type[Any] | None = None
    body_media_types: tuple[str, ...] = ("application/json",)


def error(status: int, description: str, retry_after: bool = False) -> Answer:
    return Answer(status, description, ErrorBody, retry_after=retry_after)


BAD_PARAMETER = error(400, "A parameter is unknown, repeated or out of range; `field` names it.")
SEARCH_DOWN = error(503, "Search is unavailable or slow (answered within 3 s). Try again after `Retry-After`.", True)


def _path_id(name: str, description: str, example: str) -> dict[str, Any]:
    """A path parameter holding an id or slug: anything not of that pattern is a 404."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"{description} Any other string is a 404.",
        "schema": {"type": "string", "pattern": ID},
        "example": example,
    }


_SPECIALIST_ID = _path_id("specialist_id", "The specialist's id, as search results give it.", "krish-nandy")
_HOSPITAL_ID = _path_id("hospital_id", "The hospital's id, as `GET /hospitals` gives it.", "hendon")
_TREATMENT_SLUG = _path_id(
    "slug", "The treatment's slug, as `GET /treatments` and the `treatment` facet give it.", "psychodynamic-therapy"
)
_IDEMPOTENCY_KEY = {
    "name": IDEMPOTENCY_KEY_HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key and body within 24 hours replay the first answer, "
    "and nothing is stored or sent twice.",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
}
_CLIENT_ID = {
    "name": "X-Client-Id",
    "in": "header",
    "required": False,
    "description": "A random id the page keeps for itself (a UUID, or 16 to 64 base64url characters with letters "
    "and digits), recorded with the query so that later events can be tied to it. Anything else is ignored, "
    "never refused; the address and user agent are never recorded (docs/analytics.md).",
    # No bounds: a value that is not a random id is dropped, never refused, whatever it is.
    "schema": {"type": "string"},
}
_RECORDED = (
    " Each answer is recorded for search analytics under its `query_id`, which the answer and its `X-Query-Id` "
    "header carry; personal data in the words is masked before it is kept."
)
_LINK_PARAMETERS = (
    {
        "name": "action",
        "in": "path",
        "required": True,
        "description": "What the link records; it must be the action its token was signed for.",
        "schema": {"type": "string", "enum": list(PURPOSES)},
    },
    {
        "name": "token",
        "in": "path",
        "required": True,
        "description": "The signed token of the link in the team's e-mail (its `token` query parameter).",
        "schema": {"type": "string"},
    },
)
_LINK_REFUSALS = (
    error(
        404, "Not a link we sent for this action (`link_invalid`), or the enquiry is no longer held (`enquiry_gone`)."
    ),
    error(410, "The link has expired (`link_expired`)."),
    error(503, "The store or the links' keys cannot be read just now. Nothing was recorded.", True),
)
_DEMO = "The local stage only (`make run`); 404 in every other stage."
_BROWSER = (
    " On the local stage a browser's navigation here (`Accept` naming `text/html`) gets the demo page instead, "
    "which asks for this JSON itself."
)
_MISCONFIGURED = error(503, "The service's settings are broken; it cannot tell its stage.", True)

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "GET",
        "/specialists",
        "search",
        "Find specialists",
        description="Free text and filters, with disjunctive facet counts and a spelling suggestion. "
        "Filters of different facets combine with AND; values of one facet with OR. A next slot counts (in "
        "available_within_days, sort=soonest and next_available) only while fresh: reported within the service's "
        "window (24 hours by default) and not yet past; an older one is unknown, shown as null." + _RECORDED,
        query=SEARCH_QUERY,
        parameters=(_CLIENT_ID,),
        answers=(Answer(200, "A page of results.", SearchResults, query_id=True), BAD_PARAMETER, SEARCH_DOWN),
    ),
    Operation(
        "GET",
        "/specialists/{specialist_id}",
        "search",
        "A specialist's profile",
        parameters=(_SPECIALIST_ID,),
        answers=(
            Answer(200, "The full profile.", Profile),
            error(404, "There is no specialist with this id."),
            SEARCH_DOWN,
        ),
    ),
    Operation(
        "GET",
        "/hospitals",
        "hospitals",
        "Every hospital",
        description="The hospitals of the specialist catalog, with how many specialists work at each, A-Z by name; "
        "nearest first with `near` or `lat` and `lon`; only those with a specialist of `specialty` when given."
        + _BROWSER,
        query=HOSPITALS_QUERY,
        answers=(Answer(200, "The hospitals.", HospitalList), BAD_PARAMETER, SEARCH_DOWN),
    ),
    Operation(
        "GET",
        "/hospitals/{hospital_id}",
        "hospitals",
        "A hospital's page",
        description="The hospital, the specialties and treatments its specialists offer, and a page of its "
        "specialists: the cards of `GET /specialists?hospital={hospital_id}`, in its order." + _BROWSER,
        parameters=(_HOSPITAL_ID,),
        query=HOSPITAL_PAGE_QUERY,
        answers=(
            Answer(200, "The hospital and a page of its specialists.", HospitalPage),
            BAD_PARAMETER,
            error(404, "No specialist of the catalog works at a hospital with this id; the message names similar ids."),
            SEARCH_DOWN,
        ),
    ),
    Operation(
        "GET",
        "/treatments",
        "treatments",
        "Treatments A-Z",
        description="The treatments the catalog's specialists offer, with how many offer each, and those the "
        "content feed describes that nobody offers yet; A-Z by label. With `specialty`: only those its specialists "
        "offer, counting them (an unknown specialty lists none). `letters` says which letters have any." + _BROWSER,
        query=TREATMENTS_QUERY,
        answers=(Answer(200, "The treatments.", TreatmentList), BAD_PARAMETER, SEARCH_DOWN),
    ),
    Operation(
        "GET",
        "/treatments/{slug}",
        "treatments",
        "A treatment's page",
        description="The treatment's content (when the content feed has it), the hospitals where it is offered "
        "with how many of its specialists work at each, and in `specialists` exactly the answer of "
        "`GET /specialists?treatment={slug}` with this `page` and `page_size`." + _BROWSER,
        parameters=(_TREATMENT_SLUG,),
        query=TREATMENT_PAGE_QUERY,
        answers=(
            Answer(200, "The treatment and a page of its specialists.", TreatmentPage),
            BAD_PARAMETER,
            error(
                404,
                "Neither a specialist of the catalog nor the content feed knows this slug; the message names "
                "similar slugs.",
            ),
            SEARCH_DOWN,
        ),
    ),
    Operation(
        "GET",
        "/suggest",
        "search",
        "Typeahead",
        description="Specialists, specialties, treatments, conditions, hospitals and places as the patient types. "
        "A place (a town, or a postcode's outward code) has as its value what `near` takes." + _RECORDED,
        query=SUGGEST_QUERY,
        parameters=(_CLIENT_ID,),
        answers=(Answer(200, "Suggestions, best first.", Suggestions, query_id=True), BAD_PARAMETER, SEARCH_DOWN),
    ),
    Operation(
        "POST",
        "/events",
        "search",
        "Record a click on an answer",
        description="What the patient did with an item of a search or typeahead answer (opened a profile, followed "
        "Book online or Enquire, picked a suggestion), under the answer's `query_id`, for search analytics "
        "(docs/analytics.md). Made for `navigator.sendBeacon`: `text/plain` is taken as JSON, and the page's random "
        "id may come as `client_id` in the body. Recorded without the caller's address or user agent. "
        "Limited per client IP an hour.",
        parameters=(_CLIENT_ID,),
        body=ClickEvent,
        body_media_types=("application/json", "text/plain"),
        answers=(
            Answer(202, "Recorded.", EventRecorded),
            error(400, "The body is not a JSON object, or a field (named in `field`) is missing, unknown or invalid."),
            error(413, f"The body is over {MAX_EVENT_KIB} KiB."),
            error(415, "The body is sent as neither application/json nor text/plain."),
            error(429, "Too many events from this network just now. Nothing was recorded.", True),
        ),
    ),
    Operation(
        "POST",
        "/enquiries",
        "enquiries",
        "Send an enquiry",
        description="Answered 202 once the enquiry is stored; the hospital team and the patient are then "
        "e-mailed. For a specialist (`specialist_id`, and `hospital_id` one of theirs or none for their primary "
        "hospital), or a general enquiry: `hospital_id` alone for that hospital's enquiries team, optionally with "
        "a `treatment` or `specialty` slug; neither id for the group's central enquiries team. "
        "Limits per e-mail address and per client IP an hour.",
        parameters=(_IDEMPOTENCY_KEY,),
        body=EnquiryRequest,
        answers=(
            Answer(202, "Stored: it will reach the hospital team (or the central enquiries team).", EnquiryAccepted),
            error(
                400,
                "The body is not a JSON object, or a field (named in `field`) is missing or invalid, or names a "
                "specialist, hospital, treatment or specialty the catalog does not list.",
            ),
            error(409, "An enquiry with this Idempotency-Key is still being received.", True),
            error(413, f"The body is over {MAX_BODY_BYTES // 1024} KiB."),
            error(415, "The body is not sent as application/json."),
            error(
                422,
                "`idempotency_key_reused`: this Idempotency-Key was used with another body; or "
                "`address_undeliverable` (`field`: `email`): e-mail to this address bounced for good or was "
                "reported as spam before, so another address is needed. Nothing was stored.",
            ),
            error(429, "Too many enquiries from this address or e-mail just now. Nothing was stored.", True),
            error(503, "Enquiries cannot be stored just now. Nothing was stored or sent.", True),
        ),
    ),
    Operation(
        "GET",
        "/enquiry-actions/{action}/{token}",
        "enquiries",
        "What a team link records",
        description="For the confirmation page a link in the hospital team's e-mail opens: the enquiry's "
        "reference, what the link records, and what is recorded so far. Changes nothing (mail scanners and link "
        "previews fetch links).",
        parameters=_LINK_PARAMETERS,
        answers=(Answer(200, "What the link records, and whether it is done.", EnquiryAction), *_LINK_REFUSALS),
    ),
    Operation(
        "POST",
        "/enquiry-actions/{action}/{token}",
        "enquiries",
        "Record a team link's action",
        description="The team confirms: records the acknowledgement or the outcome. Conditional: a second "
        "click records nothing more (`changed` false). An outcome also acknowledges; a different outcome "
        "replaces the first. No body is needed.",
        parameters=_LINK_PARAMETERS,
        answers=(Answer(200, "Recorded, or recorded already.", EnquiryActionDone), *_LINK_REFUSALS),
    ),
    Operation(
        "GET",
        "/health",
        "operations",
        "Readiness",
        description="Each dependency is checked in parallel, within 1 s.",
        answers=(
            Answer(200, "Every dependency answers.", HealthBody),
            Answer(503, "A dependency is unavailable or slow; `checks` names it.", HealthBody),
        ),
    ),
    *(
        Operation(
            "POST",
            path,
            "operations",
            summary,
            description=f"{what} **Not public**: API Gateway admits only requests signed with SigV4 by an IAM "
            "principal allowed `execute-api:Invoke` on this method; any other is refused (403) before the function "
            "runs. The address goes in the body, never the path; each call is logged with the caller and the "
            "address's keyed hash, never the address.",
            body=DataRightsRequest,
            answers=(
                Answer(200, done, model),
                error(400, "The body is not a JSON object with `email` alone, or `email` is not an address."),
                error(403, "The request is not signed by an allowed IAM principal."),
                error(415, "The body is not sent as application/json."),
                error(503, "The store cannot be reached. Nothing (more) was deleted; try again.", True),
            ),
        )
        for path, summary, what, done, model in (
            (
                "/admin/rights/export",
                "Export what is held under an e-mail address",
                "Every enquiry of the address (and its aliases), their idempotency records and the address's "
                "rate counters, found through an index (never a scan), with what this cannot reach.",
                "What is held.",
                DataExport,
            ),
            (
                "/admin/rights/erase",
                "Erase what is held under an e-mail address",
                "Deletes the address's enquiries whose e-mails have gone or failed, their idempotency records and "
                "its rate counters. Enquiries still in flight (`received`, `sending`) are kept and listed: call "
                "again once they are sent.",
                "What was deleted, kept in flight, and not reached.",
                DataErasure,
            ),
        )
    ),
    Operation(
        "GET",
        "/openapi.json",
        "documentation",
        "This document",
        answers=(Answer(200, "The OpenAPI 3.1 document.", free_form=True),),
    ),
    Operation(
        "GET",
        "/docs",
        "documentation",
        "This document as a page",
        answers=(Answer(200, "An HTML page that reads /openapi.json.", media_type="text/html", free_form=True),),
    ),
    Operation(
        "GET",
        "/docs/{asset}",
        "documentation",
        "The documentation page's script and styles",
        parameters=(
            {"name": "asset", "in": "path", "required": True, "schema": {"type": "string"}, "example": "docs.js"},
        ),
        answers=(
            Answer(200, "A stylesheet or script.", media_type="text/*", free_form=True),
            error(404, "No such file."),
        ),
    ),
    Operation(
        "GET",
        "/",
        "demo",
        "The demo search page",
        description=_DEMO,
        answers=(
            Answer(200, "An HTML page.", media_type="text/html", free_form=True),
            error(404, _DEMO),
            _MISCONFIGURED,
        ),
    ),
    Operation(
        "GET",
        "/assets/{name}",
        "demo",
        "The demo page's scripts and styles",
        description=_DEMO,
        parameters=(
            {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}, "example": "app.js"},
        ),
        answers=(
            Answer(200, "A stylesheet or script.", media_type="text/*", free_form=True),
            error(404, "No such file, or not the local stage."),
            _MISCONFIGURED,
        ),
    ),
)
