"""The rule pages: list with fire counts, reorder, on/off, the editor's rows and inline errors, "test this rule"."""

import pytest

from automations import services
from automations.engine import forget_rules
from automations.models import Rule, RuleRun
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    forget_rules()
    yield
    forget_rules()


def make_rule(name="VIP", position=None, **kw):
    return services.create_rule(
        name=name,
        event=kw.pop("event", "ticket_created"),
        conditions=kw.pop("conditions", [{"field": "subject", "operator": "contains", "value": "invoice"}]),
        actions=kw.pop("actions", [{"type": "set_priority", "value": "high"}]),
        position=position,
        **kw,
    )


def form_data(name="Invoices to billing", conditions=(), actions=(), event="ticket_created", active=True, **extra):
    data = {
        "name": name,
        "event": event,
        "conditions-TOTAL_FORMS": str(len(conditions)),
        "conditions-INITIAL_FORMS": "0",
    }
    data["actions-TOTAL_FORMS"] = str(len(actions))
    data["actions-INITIAL_FORMS"] = "0"
    if active:
        data["active"] = "on"
    for i, (field, operator, value) in enumerate(conditions):
        data.update(
            {f"conditions-{i}-field": field, f"conditions-{i}-operator": operator, f"conditions-{i}-value": value}
        )
    for i, (kind, value) in enumerate(actions):
        data.update({f"actions-{i}-type": kind, f"actions-{i}-value": value})
    data.update(extra)
    return data


@pytest.mark.parametrize("url", ["/automations/", "/automations/new/"])
def test_agents_and_leads_may_not_open_the_rule_pages(client, agent, lead, url):
    for person in (agent, lead):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client):
    assert client.get("/automations/").status_code == 302


def test_the_menu_links_the_rules_for_managers_only(client, manager, agent):
    client.force_login(manager)
    assert 'href="/automations/"' in client.get("/automations/").content.decode()
    client.force_login(agent)
    assert 'href="/automations/"' not in client.get("/").content.decode()


def test_the_list_shows_each_rules_fire_count_in_one_query(
    client, manager, support_queue, django_assert_max_num_queries
):
    rules = [make_rule(name=f"rule {i}") for i in range(5)]
    ticket = ticket_services.create_ticket(
        subject="invoice", body="x", customer_email="c@example.com", queue=support_queue
    )
    RuleRun.objects.create(rule=rules[1], ticket=ticket, marker="old")
    client.force_login(manager)
    client.get("/automations/")
    with django_assert_max_num_queries(12) as captured:
        page = client.get("/automations/").content.decode()
    assert sum("automations_rulerun" in q["sql"] for q in captured.captured_queries) == 1
    assert page.count('data-testid="fired">1<') == 4  # every rule fired on the ticket just created…
    assert page.count('data-testid="fired">2<') == 1  # …and one of them once more before


def test_a_rule_is_switched_off_and_on(client, manager):
    rule = make_rule()
    client.force_login(manager)
    assert client.get(f"/automations/{rule.pk}/toggle/").status_code == 405
    client.post(f"/automations/{rule.pk}/toggle/")
    assert Rule.objects.get(pk=rule.pk).active is False
    response = client.post(f"/automations/{rule.pk}/toggle/", HTTP_HX_REQUEST="true")
    assert 'id="rules-table"' in response.content.decode() and "<html" not in response.content.decode()
    assert Rule.objects.get(pk=rule.pk).active is True


def test_rules_move_up_and_down(client, manager):
    first, second, third = make_rule(name="a"), make_rule(name="b"), make_rule(name="c")
    client.force_login(manager)
    client.post(f"/automations/{third.pk}/move/", {"direction": "up"})
    assert list(Rule.objects.order_by("position").values_list("name", flat=True)) == ["a", "c", "b"]
    client.post(f"/automations/{first.pk}/move/", {"direction": "down"})
    assert list(Rule.objects.order_by("position").values_list("name", flat=True)) == ["c", "a", "b"]
    assert client.post(f"/automations/{first.pk}/move/", {"direction": "sideways"}).status_code == 400
    assert second.pk


def test_an_agent_may_not_change_a_rule(client, agent):
    rule = make_rule()
    client.force_login(agent)
    assert client.post(f"/automations/{rule.pk}/toggle/").status_code == 403
    assert client.post(f"/automations/{rule.pk}/delete/").status_code == 403
    assert Rule.objects.get(pk=rule.pk).active


def test_a_manager_creates_a_rule_with_rows(client, manager, billing_queue):
    client.force_login(manager)
    response = client.post(
        "/automations/new/",
        form_data(
            conditions=[("subject", "contains", "invoice"), ("tags", "is_not", "spam, test")],
            actions=[("set_queue", "Billing"), ("set_priority", "high"), ("add_tags", "billing, money")],
        ),
    )
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.conditions == [
        {"field": "subject", "operator": "contains", "value": "invoice"},
        {"field": "tags", "operator": "is_not", "value": ["spam", "test"]},
    ]
    assert rule.actions == [
        {"type": "set_queue", "value": billing_queue.pk},
        {"type": "set_priority", "value": "high"},
        {"type": "add_tags", "value": ["billing", "money"]},
    ]
    # Editing shows the rows again as text.
    page = client.get(f"/automations/{rule.pk}/").content.decode()
    assert 'value="spam, test"' in page and f'value="{billing_queue.pk}"' in page


def test_adding_a_row_saves_nothing_and_shows_one_more_row(client, manager):
    client.force_login(manager)
    data = form_data(conditions=[("subject", "contains", "x")], actions=[("set_priority", "high")], add="condition")
    response = client.post("/automations/new/", data)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="condition-row"') == 2
    assert not Rule.objects.exists()


def test_removed_and_empty_rows_are_left_out(client, manager):
    client.force_login(manager)
    data = form_data(
        conditions=[("subject", "contains", "x"), ("", "is", "")],
        actions=[("set_priority", "high"), ("add_note", "bye")],
        **{"actions-1-DELETE": "on"},
    )
    assert client.post("/automations/new/", data).status_code == 302
    rule = Rule.objects.get()
    assert len(rule.conditions) == 1 and rule.actions == [{"type": "set_priority", "value": "high"}]


def test_errors_are_shown_next_to_their_row(client, manager):
    client.force_login(manager)
    data = form_data(
        conditions=[("subject", "contains", "x"), ("hours_pending", "contains", "many")],
        actions=[("set_priority", "high"), ("assign_to", "nobody-here")],
    )
    response = client.post("/automations/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_conditions-1-operator_error"' in page
    assert 'id="id_actions-1-value_error"' in page and "nobody-here" in page
    assert not Rule.objects.exists()


def test_a_rule_without_actions_is_refused_with_a_message(client, manager):
    client.force_login(manager)
    response = client.post("/automations/new/", form_data(conditions=[("subject", "contains", "x")], actions=[]))
    assert response.status_code == 400
    assert "alert-danger" in response.content.decode()


def test_an_unknown_rule_is_a_404(client, manager):
    client.force_login(manager)
    assert client.get("/automations/999999/").status_code == 404
    assert client.get("/automations/abc/").status_code == 404


def test_testing_a_rule_shows_which_conditions_match_and_changes_nothing(client, manager, agent, support_queue):
    rule = make_rule(
        conditions=[
            {"field": "subject", "operator": "contains", "value": "invoice"},
            {"field": "priority", "operator": "is", "value": "low"},
        ],
        actions=[{"type": "set_priority", "value": "high"}, {"type": "assign_to", "value": "ana"}],
        active=False,
    )
    ticket = ticket_services.create_ticket(
        subject="Invoice wrong", body="x", customer_email="c@example.com", queue=support_queue
    )
    client.force_login(manager)
    response = client.get(f"/automations/{rule.pk}/test/", {"ticket": ticket.reference}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert page.count('data-testid="condition-check"') == 2
    assert "would not act" in page
    assert "Normal → High" in page and "ana" in page
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.priority, fresh.assignee) == ("normal", None)
    # By bare number too, as a full page.
    full = client.get(f"/automations/{rule.pk}/test/", {"ticket": str(ticket.pk)})
    assert full.status_code == 200 and "<html" in full.content.decode()


def test_testing_against_an_unknown_ticket_says_so(client, manager):
    rule = make_rule()
    client.force_login(manager)
    response = client.get(f"/automations/{rule.pk}/test/", {"ticket": "LAT-999999"})
    assert response.status_code == 404 and "LAT-999999" in response.content.decode()
    assert client.get(f"/automations/{rule.pk}/test/", {"ticket": "nonsense"}).status_code == 404
