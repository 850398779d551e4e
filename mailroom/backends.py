"""The local outbox backend: stores each message, whole, in the database instead of sending it."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from mailroom.models import OutboxMessage

        count = 0
        for message in email_messages:
            mime = message.message()
            OutboxMessage.objects.create(
                from_email=message.from_email,
                recipients=", ".join(message.recipients()),
                subject=str(mime["Subject"] or ""),
                message_id=str(mime["Message-ID"] or ""),
                raw=mime.as_string(),
            )
            count += 1
        return count
