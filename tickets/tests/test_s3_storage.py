"""Attachments and inline images on an S3-compatible store (S3_* settings → django-storages), against
moto's real S3 server on a free local port: uploaded through the composer, downloaded only through
the permission-checked views."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.testing.servers import S3Server
from tickets import services
from tickets.models import Attachment

pytestmark = pytest.mark.slow

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 20


@pytest.fixture
def s3(settings, tmp_path):
    with S3Server() as server:
        env = server.env()
        settings.MEDIA_ROOT = str(tmp_path / "media-must-stay-empty")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": env["S3_BUCKET"],
                    "endpoint_url": env["S3_ENDPOINT_URL"],
                    "access_key": env["S3_ACCESS_KEY_ID"],
                    "secret_key": env["S3_SECRET_ACCESS_KEY"],
                    "region_name": env["S3_REGION"],
                    "location": "media",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }
        yield server


def test_the_s3_settings_come_from_the_environment(tmp_path):
    import subprocess
    import sys

    from helpdesk.testing.deploy import BASE_DIR, base_env

    env = base_env(
        LATITUDE_VAR_DIR=str(tmp_path),
        S3_BUCKET="files",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
    )
    code = "from django.conf import settings as s; print(s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['endpoint_url'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True)
    assert out.stdout.split() == ["storages.backends.s3.S3Storage", "http://127.0.0.1:9000"], out.stderr
    env.pop("S3_BUCKET")
    out = subprocess.run(
        [sys.executable, "-c", code.split(",")[0] + ")"], env=env, cwd=BASE_DIR, capture_output=True, text=True
    )
    assert out.stdout.strip() == "django.core.files.storage.FileSystemStorage", out.stderr


def test_an_attachment_uploaded_through_the_composer_is_stored_in_s3_and_downloaded_through_the_check(
    s3, client, agent, other_agent, ticket, tmp_path
):
    client.force_login(agent)
    upload = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 the invoice", content_type="application/pdf")
    response = client.post(
        reverse("tickets:reply", args=[ticket.pk]),
        {"body": "The invoice is attached.", "internal": "0", "token": "s3-1", "attachments": [upload]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(message__ticket=ticket)
    assert attachment.file.name.startswith(f"attachments/{ticket.pk}/")
    assert s3.keys() == [f"media/{attachment.file.name}"]
    assert not (tmp_path / "media-must-stay-empty").exists()

    download = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the invoice"
    assert download["Content-Disposition"].startswith("attachment;")

    client.force_login(other_agent)  # another department: may not see the ticket
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


def test_an_inline_image_in_s3_is_shown_to_people_who_may_see_the_ticket_only(s3, client, agent, other_agent, ticket):
    message = services.add_message(ticket=ticket, by=agent, body="See the screenshot", client_token="s3-2")
    image = services.add_attachment(message=message, filename="screen.png", content=PNG, content_type="image/png")
    image.content_id = "screen@example"
    image.save(update_fields=["content_id"])
    assert s3.keys() == [f"media/{image.file.name}"]

    client.force_login(agent)
    shown = client.get(reverse("mailroom:inline_attachment", args=[image.pk]))
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == PNG

    client.force_login(other_agent)
    assert client.get(reverse("mailroom:inline_attachment", args=[image.pk])).status_code == 404


def test_a_file_missing_from_the_bucket_is_reported_as_gone(s3, client, agent, ticket):
    message = services.add_message(ticket=ticket, by=agent, body="Attached", client_token="s3-3")
    attachment = services.add_attachment(message=message, filename="a.txt", content=b"hello", content_type="text/plain")
    s3.client().delete_object(Bucket=s3.bucket, Key=f"media/{attachment.file.name}")
    client.force_login(agent)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 410
