"""An e-mail backend for worker processes started by the fault tests: one line per message
("recipient<TAB>subject") appended to the file named by SAFECAMPUS_TEST_MAIL_LOG, so the test
can count what a worker really sent."""

from __future__ import annotations

import os

from django.core.mail.backends.base import BaseEmailBackend


class LineEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        with open(os.environ["SAFECAMPUS_TEST_MAIL_LOG"], "a", encoding="utf-8") as log:
            for message in email_messages:
                for recipient in message.recipients():
                    log.write(f"{recipient}\t{message.subject}\n")
        return len(email_messages)
