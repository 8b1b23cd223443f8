from __future__ import annotations

from chalicelib.errors import INTERNAL_ERROR_MESSAGE, error_body, uniform_error


def test_given_a_chalice_error_body_then_it_becomes_the_standard_shape() -> None:
    body = {"Code": "MethodNotAllowedError", "Message": "Unsupported method: POST"}

    assert uniform_error(405, body) == error_body("method_not_allowed", "Unsupported method: POST")


def test_given_chalice_media_type_error_then_the_code_is_snake_case() -> None:
    body = {"Code": "UnsupportedMediaType", "Message": "Unsupported media type: text/plain"}

    assert uniform_error(415, body) == error_body("unsupported_media_type", "Unsupported media type: text/plain")


def test_given_a_server_error_then_no_internal_detail_is_kept() -> None:
    body = {"Code": "InternalServerError", "Message": "KeyError: 'secret'"}

    assert uniform_error(500, body) == error_body("internal_error", INTERNAL_ERROR_MESSAGE)


def test_given_our_own_bodies_or_successes_then_nothing_changes() -> None:
    assert uniform_error(200, {"Code": "x", "Message": "y"}) is None
    assert uniform_error(404, error_body("not_found", "No such specialist", None)) is None
    assert uniform_error(400, "plain text") is None
