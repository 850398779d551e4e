"""An agent who works in Greek sees the ticket page in Greek: no English interface text is left (the
customer's own words, names and tags are content, not interface)."""

from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tickets import services
from tickets.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

# Words that read the same in Greek use (the product's name, acronyms) are not leftovers.
SAME_IN_GREEK = {"Latitude", "API", "SLA", "CSAT", "E-mail", "OK"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-label-reply", "data-label-note")


def english_interface_strings() -> set[str]:
    """Every msgid the Greek catalogue translates differently: English that must not show on a Greek page."""
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "el" / "LC_MESSAGES" / "django.po"))
    found = set()
    for entry in po.translated_entries():
        for msgid, msgstr in ((entry.msgid, entry.msgstr), (entry.msgid_plural, entry.msgstr_plural.get(0, ""))):
            if msgid and msgstr and msgid != msgstr and "%" not in msgid and "{" not in msgid:
                found.add(msgid.strip())
    return {s for s in found if len(s) > 2 and s not in SAME_IN_GREEK}


class VisibleText(HTMLParser):
    """Text and labelling attributes of a page, leaving out scripts and the user content marked below."""

    CONTENT = ("msg-body", "ticket-subject", "tag-badge", "customer-content")

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skip = tag in ("script", "style", "textarea") or any(c in classes for c in self.CONTENT)
        if tag not in ("input", "br", "img", "meta", "link", "hr", "source"):
            self.stack.append((tag, skip))
        if not (skip or self.skipping()):
            self.texts += [attrs[a].strip() for a in ATTRIBUTES if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"].strip())

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _skip = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.skipping():
            self.texts.append(" ".join(data.split()))


@pytest.fixture
def greek_agent(agent):
    agent.profile.language = "el"
    agent.profile.save()
    return agent


def test_the_greek_ticket_page_has_no_english_left(client, greek_agent, teammate, ticket):
    MessageFactory(ticket=ticket, body="Χρεώθηκα δύο φορές για την παραγγελία μου.")
    services.add_message(ticket=ticket, by=greek_agent, body="Έλεγχος στην τράπεζα.", internal=True)
    services.set_priority(ticket=ticket, priority="high", by=greek_agent)
    services.set_tags(ticket=ticket, names=["χρέωση"], by=greek_agent)
    services.assign_ticket(ticket=ticket, assignee=teammate, by=greek_agent)
    services.change_status(ticket=ticket, status="pending", by=greek_agent)
    client.force_login(greek_agent)
    response = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert response.status_code == 200 and '<html lang="el">' in response.content.decode()
    parser = VisibleText()
    parser.feed(response.content.decode())
    english = english_interface_strings()
    left = sorted({text for text in parser.texts if text in english or text.rstrip(":") in english})
    assert left == []


def test_history_lines_name_people_not_usernames(client, greek_agent, teammate, ticket):
    services.assign_ticket(ticket=ticket, assignee=teammate, by=greek_agent)
    client.force_login(greek_agent)
    history = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode().split('id="history-card"')[1]
    assert "Ana Silva</span> → Tomás Reis" in history
    assert "tomas" not in history


def test_the_check_finds_english_on_an_english_page(client, agent, ticket):
    """The control: the same page in English is full of the strings the Greek test looks for."""
    client.force_login(agent)
    parser = VisibleText()
    parser.feed(client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode())
    found = {text for text in parser.texts if text in english_interface_strings()}
    assert {"Properties", "History", "Save changes"} <= found
