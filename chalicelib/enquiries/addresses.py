"""One mailbox, one address: the form an e-mail address is counted under.

Many providers deliver ``jane+anything@`` to ``jane@``, and Gmail also ignores dots in
the local part (``j.a.n.e@gmail.com`` is ``jane@gmail.com``). Counted as typed, one mailbox
would get the per-address limit (5 an hour) once per alias, as many times as its owner
cares to spell it. So the rate limit counts, and an ``Idempotency-Key`` is scoped by, the
normalised address. The enquiry itself keeps the address exactly as the patient typed it:
that is where the e-mails go.
"""

from __future__ import annotations

# Providers known to ignore dots in the local part, each mapped to its canonical domain.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalised(email: str) -> str:
    """The address lower-cased, without a ``+tag`` in the local part (for every provider), and
    for Gmail (``googlemail.com`` counted as ``gmail.com``) without the local part's dots.

    Meant for addresses ``email-validator`` has accepted; anything else (no ``@``, a quoted
    local part) is handled by the same string rules and never raises.
    """
    local, at, domain = email.lower().rpartition("@")
    if not at:
        local, domain = domain, ""  # no "@": the whole text is the local part
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}{at}{domain}"
