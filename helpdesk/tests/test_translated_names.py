"""Names admins type (queues and public topics, macros, off-script kinds, reason codes, kudos values) have a
name per language, falling back to a close language and then to English."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from agents.models import OffscriptKind, ReasonCode
from helpdesk.translated import localized, validate_translations
from recognition.models import KudosValue
from tickets.models import Macro, Queue
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def test_each_language_reads_its_own_name_or_falls_back(support_queue):
    support_queue.translations = {"el": "Γενική υποστήριξη", "pt": "Apoio geral", "sr-latn": "Opšta podrška"}
    assert localized(support_queue, language="el") == "Γενική υποστήριξη"
    assert localized(support_queue, language="pt-br") == "Apoio geral"  # Brazil reads Portugal's before English
    assert localized(support_queue, language="sr") == "Општа подршка"  # Cyrillic from the Latin name
    assert localized(support_queue, language="en") == "General support"
    with translation.override("el"):
        assert str(support_queue) == "Γενική υποστήριξη"
    support_queue.translations = {}
    with translation.override("el"):
        assert str(support_queue) == "General support"


@pytest.mark.parametrize("model", [Queue, Macro, OffscriptKind, ReasonCode, KudosValue])
def test_every_admin_named_model_is_translatable(model):
    assert "translations" in {f.name for f in model._meta.get_fields()}


def test_a_translation_for_an_unknown_language_is_refused():
    with pytest.raises(ValidationError):
        validate_translations({"xx": "?"})
    with pytest.raises(ValidationError):
        validate_translations(["not", "a", "map"])


def test_a_greek_agent_sees_the_queue_in_greek_in_the_inbox(client, agent, support_queue):
    support_queue.translations = {"el": "Γενική υποστήριξη"}
    support_queue.save()
    TicketFactory(queue=support_queue, assignee=agent, status="open", subject="Broken kettle")
    agent.profile.language = "el"
    agent.profile.save()
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox")).content.decode()
    assert html.count("Γενική υποστήριξη") >= 2  # the row and the queue filter
    assert "General support" not in html


def test_the_contact_forms_topics_follow_the_visitors_language(client, support_queue):
    support_queue.translations = {"pt": "Apoio geral"}
    support_queue.save()
    html = client.get(reverse("tickets:public_form"), HTTP_ACCEPT_LANGUAGE="pt").content.decode()
    assert "Apoio geral" in html


def test_off_script_kinds_and_reason_codes_read_in_greek():
    kind = OffscriptKind(name="Refund", slug="refund-x", translations={"el": "Επιστροφή χρημάτων"})
    code = ReasonCode(kind=kind, code="late", label="Late delivery", translations={"el": "Καθυστέρηση"})
    with translation.override("el"):
        assert (str(kind), str(code)) == ("Επιστροφή χρημάτων", "Καθυστέρηση")
