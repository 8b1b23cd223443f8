"""The mailer port on Amazon SES v2: raw MIME, so the message keeps its own headers.

Errors are sorted into two kinds and nothing else of them is kept: SES's own error
messages can quote addresses, so only the error code travels on (``from None`` drops
the chained exception too). The client should not retry by itself: the notifier does,
with backoff, and counts the attempts.
"""

from __future__ import annotations

from email.utils import getaddresses
from typing import TYPE_CHECKING

from chalicelib.enquiries.ports import MailAbout, MailRejected, MailThrottled

if TYPE_CHECKING:
    from email.message import EmailMessage

    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sesv2.type_defs import SendEmailRequestTypeDef

# Worth another try later; every other error is permanent for this message.
THROTTLING_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "LimitExceededException"})


class SesMailer:
    """``configuration_set`` names the SES configuration set every message goes through (its
    bounce and complaint events); None: none."""

    def __init__(self, client: SESV2Client, configuration_set: str | None = None) -> None:
        self._client = client
        self._configuration_set = configuration_set

    def send(self, message: EmailMessage, about: MailAbout | None = None) -> str:
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as NetworkError

        request: SendEmailRequestTypeDef = {
            "FromEmailAddress": _addresses(message, "From")[0],
            "Destination": {"ToAddresses": _addresses(message, "To")},
            "Content": {"Raw": {"Data": message.as_bytes()}},
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        if about is not None:
            # Message tags come back in the configuration set's events: a bounce names its enquiry.
            request["EmailTags"] = [
                {"Name": "enquiry", "Value": about.enquiry_id},
                {"Name": "kind", "Value": about.kind},
            ]
        try:
            return self._client.send_email(**request)["MessageId"]
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            if code in THROTTLING_CODES or status >= 500:
                raise MailThrottled(code) from None
            raise MailRejected(code) from None
        except (NetworkError, HTTPClientError) as exc:  # unreachable, timed out, connection dropped
            raise MailThrottled(type(exc).__name__) from None


def _addresses(message: EmailMessage, header: str) -> list[str]:
    return [address for _, address in getaddresses([str(value) for value in message.get_all(header, [])])]
