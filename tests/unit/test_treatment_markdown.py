"""The section bodies' Markdown subset: what renders to which HTML, and what is rejected and why."""

from __future__ import annotations

import re

import pytest

from chalicelib.treatments.markdown import ALLOWED_LINK_HOSTS, problem, to_html

NHS = "https://www.nhs.uk/mental-health/"
EXTERNAL = 'rel="noopener noreferrer"'
TAGS = {"p", "ul", "ol", "li", "strong", "em", "a"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("One paragraph.", "<p>One paragraph.</p>"),
        ("First line\nsecond line.", "<p>First line second line.</p>"),
        ("One.\n\nTwo.\r\n\r\nThree.", "<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>"),
        ("- apples\n- pears", "<ul><li>apples</li><li>pears</li></ul>"),
        ("* apples\n* pears", "<ul><li>apples</li><li>pears</li></ul>"),
        ("1. first\n2. second\n7. third", "<ol><li>first</li><li>second</li><li>third</li></ol>"),
        ("You may:\n- rest\n- walk", "<p>You may:</p>\n<ul><li>rest</li><li>walk</li></ul>"),
        ("- one\n\n- two", "<ul><li>one</li><li>two</li></ul>"),
        ("- a long item\n  that goes on", "<ul><li>a long item that goes on</li></ul>"),
        ("- bullet\n1. number", "<ul><li>bullet</li></ul>\n<ol><li>number</li></ol>"),
        ("- item\n\nAfter.", "<ul><li>item</li></ul>\n<p>After.</p>"),
        ("  - indented\n    - deeper", "<ul><li>indented</li><li>deeper</li></ul>"),
        ("A **strong** word.", "<p>A <strong>strong</strong> word.</p>"),
        ("An *em* and an _em_.", "<p>An <em>em</em> and an <em>em</em>.</p>"),
        ("**strong and *em* inside**", "<p><strong>strong and <em>em</em> inside</strong></p>"),
        ("- **Bold** item", "<ul><li><strong>Bold</strong> item</li></ul>"),
        (f"See [the NHS]({NHS}).", f'<p>See <a href="{NHS}" {EXTERNAL}>the NHS</a>.</p>'),
        ("[NICE](https://www.nice.org.uk)", f'<p><a href="https://www.nice.org.uk" {EXTERNAL}>NICE</a></p>'),
        ("[Search](/specialists?q=knee#results)", '<p><a href="/specialists?q=knee#results">Search</a></p>'),
        ("[Home](/)", '<p><a href="/">Home</a></p>'),
        ("[**Book** now](/book)", '<p><a href="/book"><strong>Book</strong> now</a></p>'),
        ("", ""),
    ],
)  # fmt: skip
def test_given_each_accepted_construct_then_it_renders_to_exactly_this_html(body: str, expected: str) -> None:
    assert problem(body) is None
    assert to_html(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("**unclosed", "<p>**unclosed</p>"),
        ("*unclosed", "<p>*unclosed</p>"),
        ("***three***", "<p>***three***</p>"),
        ("__double__", "<p>__double__</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("snake_case_name", "<p>snake_case_name</p>"),
        ("\\*not em\\* and \\[not a link\\](/x)", "<p>*not em* and [not a link](/x)</p>"),
        ("\\# not a heading", "<p># not a heading</p>"),
        ("2019\\. was a year", "<p>2019. was a year</p>"),
        ("C:\\path", "<p>C:\\path</p>"),
        ("+ plus\n> quote\n`code`", "<p>+ plus &gt; quote `code`</p>"),
        ("[text] alone and [text](unclosed", "<p>[text] alone and [text](unclosed</p>"),
        ("#hashtag", "<p>#hashtag</p>"),
        ("1.5 mg", "<p>1.5 mg</p>"),
        ("*a **b* c**", "<p><em>a **b</em> c**</p>"),
        ("[a [b](/x)](/y)", '<p>[a <a href="/x">b</a>](/y)</p>'),
    ],
)
def test_given_an_edge_case_then_it_renders_as_documented(body: str, expected: str) -> None:
    assert problem(body) is None
    assert to_html(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>"),
        ("x<5 and <3", "<p>x&lt;5 and &lt;3</p>"),
        ("Say \"yes\" or 'no'", "<p>Say &quot;yes&quot; or &#x27;no&#x27;</p>"),
        ('**R&D "lab"**', "<p><strong>R&amp;D &quot;lab&quot;</strong></p>"),
        ("[Q&A \"now\" 'here' <3](/qa)", '<p><a href="/qa">Q&amp;A &quot;now&quot; &#x27;here&#x27; &lt;3</a></p>'),
        ("[x](/a?b=1&c='d')", '<p><a href="/a?b=1&amp;c=&#x27;d&#x27;">x</a></p>'),
    ],
)
def test_given_html_special_characters_in_text_link_text_or_target_then_they_are_escaped(
    body: str, expected: str
) -> None:
    assert to_html(body) == expected


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Hello <script>alert(1)</script>", "must not contain raw HTML (found <script)"),
        ("<b>bold</b>", "must not contain raw HTML (found <b)"),
        ("a </p> b", "must not contain raw HTML (found </p)"),
        ("<!-- hidden -->", "must not contain raw HTML (found <!--)"),
        ("<?php echo 1 ?>", "must not contain raw HTML (found <?php)"),
        ("<!DOCTYPE html>", "must not contain raw HTML (found <!DOCTYPE)"),
        ("[x](/a) <img src=x onerror=alert(1)>", "must not contain raw HTML (found <img)"),
        ("Fish &amp; chips", "must not contain HTML character references (found &amp;): write the character itself"),
        ("&#60;script", "must not contain HTML character references (found &#60;): write the character itself"),
        ("bell\x07", "must not contain control characters other than tabs and line breaks"),
        ("# Heading", "headings belong in sections' headings (found a line starting #)"),
        ("Text\n\n### Smaller", "headings belong in sections' headings (found a line starting #)"),
        ("Title\n=====", "horizontal rules and underlined headings are not allowed (found =====)"),
        ("Above\n\n---\n\nBelow", "horizontal rules and underlined headings are not allowed (found ---)"),
        ("* * *", "horizontal rules and underlined headings are not allowed (found * * *)"),
        ("![a scan](/scan.png)", "images are not allowed"),
        ("See ![x](https://www.nhs.uk/x.png)", "images are not allowed"),
        ("[](/empty)", "links need text: [text](target)"),
    ],
)
def test_given_a_body_breaking_a_rule_then_the_reason_names_it(body: str, reason: str) -> None:
    assert problem(body) == reason
    with pytest.raises(ValueError, match=re.escape(reason)):
        to_html(body)


@pytest.mark.parametrize(
    ("target", "found"),
    [
        ("javascript:alert(1)", "javascript:alert(1"),
        ("JavaScript:alert(1)", "JavaScript:alert(1"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,PHNjcmlwdD4="),
        ("http://www.nhs.uk/", "http://www.nhs.uk/"),
        ("https://evil.example/", "https://evil.example/"),
        ("https://www.nhs.uk.evil.example/", "https://www.nhs.uk.evil.example/"),
        ("https://www.nhs.uk@evil.example/", "https://www.nhs.uk@evil.example/"),
        ("https://www.nhs.uk:8443/", "https://www.nhs.uk:8443/"),
        ("//evil.example/path", "//evil.example/path"),
        ("/\\evil.example", "/\\evil.example"),
        ("mailto:help@hospitals.example", "mailto:help@hospitals.example"),
        ("#top", "#top"),
        ("relative/path", "relative/path"),
        ("/a \"title\"", "/a \"title\""),
        ("", "an empty target"),
        ("//" + "x" * 60, "//" + "x" * 38 + "..."),
    ],
)  # fmt: skip
def test_given_a_link_to_a_target_not_allowed_then_it_is_rejected_naming_the_allowed_ones(
    target: str, found: str
) -> None:
    reason = problem(f"Read [this]({target}) first.")

    assert reason == (
        "links only to https://www.nhs.uk, https://www.nice.org.uk, https://www.hospitals.example "
        f"or paths of this site such as /treatments (found {found})"
    )


@pytest.mark.parametrize("host", ALLOWED_LINK_HOSTS)
def test_given_a_link_to_each_allowed_host_then_it_is_external(host: str) -> None:
    target = f"https://{host}/a/b?c=d#e"

    assert to_html(f"[x]({target})") == f'<p><a href="{target}" {EXTERNAL}>x</a></p>'


def test_given_a_rich_body_then_only_the_listed_tags_are_output_and_rendering_is_repeatable() -> None:
    body = (
        "Intro with **strong**, *em* and [a link](https://www.hospitals.example/x).\n\n"
        "- one\n- two\n\n1. first\n2. second\n\nLast [path](/p)."
    )

    rendered = to_html(body)

    assert set(re.findall(r"</?([a-z]+)", rendered)) == TAGS
    assert to_html(body) == rendered


def test_given_many_unmatched_delimiters_then_they_all_stay_text() -> None:
    body = ("*a " * 1500) + ("b_ " * 1500)

    assert problem(body) is None
    assert to_html(body) == f"<p>{body.strip()}</p>"
