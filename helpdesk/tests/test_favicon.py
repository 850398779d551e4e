"""Every page names a favicon that is served from our own static files."""

from pathlib import Path

from django.conf import settings


def test_every_page_links_the_favicon_and_the_file_exists(client, db):
    html = client.get("/contact/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_text().startswith("<svg")
