from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel: dict):
    """Render a side panel from tickets.hooks.ticket_panels with the page's context plus its own."""
    tmpl = context.template.engine.get_template(panel["template"])
    with context.push(**(panel.get("context") or {})):
        return tmpl.render(context)


@register.simple_tag
def message_body(message):
    """One thread message's body: a later app's renderer (tickets.hooks.message_body_renderers) or the default."""
    from django.utils.html import linebreaks
    from django.utils.safestring import mark_safe

    from tickets import hooks

    for renderer in hooks.message_body_renderers:
        html = renderer(message)
        if html is not None:
            return html
    if message.body_html:
        return mark_safe(message.body_html)  # sanitised with nh3 when stored
    return mark_safe(linebreaks(message.body, autoescape=True))


@register.filter
def countdown(due):
    """ "due in 2 h" / "overdue 35 min" for an SLA target (business hours are already in the due time)."""
    from tickets.timetext import countdown as text

    return text(due) if due else ""


@register.filter
def ago(when):
    """ "3 h ago", where how long something has waited matters more than the clock time."""
    from tickets.timetext import ago as text

    return text(when) if when else ""


def _esc(value) -> str:
    """`{{ value }}` for the rows built in Python below: the text, HTML-escaped."""
    from html import escape

    return escape(str(value))


def _pk_url(name: str) -> str:
    """The address of a view taking one id, as a `%d` pattern: reversed once per page, not per row."""
    from django.urls import reverse

    marker = 918273645546372819
    return reverse(name, args=[marker]).replace(str(marker), "%d")


@register.simple_tag
def inbox_rows(page, field_columns) -> str:
    """The inbox's rows, built in Python: the same markup the template loop gave, at a fraction of the
    cost of 25 × (two includes, a blocktranslate and a dozen filters). Labels are translated once per
    page; every value is escaped; dates follow the active language and time zone."""
    from django.utils import dateformat, formats, timezone
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    from tickets.models import Ticket
    from tickets.templatetags.agent_tools import field_cell
    from tickets.timetext import ago as ago_text
    from tickets.timetext import countdown as countdown_text

    esc = _esc
    detail = _pk_url("tickets:detail")
    select_label = _("Select %(ref)s")
    unassigned = f'<span class="text-muted">{esc(_("Unassigned"))}</span>'
    no_clock = f'<span class="text-muted" aria-label="{esc(_("No SLA clock running"))}">—</span>'
    now = timezone.now()
    # Once per page, not per row: choice labels (get_FOO_display translates and rebuilds a dict per call)
    # and the language's short date format.
    statuses = {value: esc(label) for value, label in Ticket._meta.get_field("status").flatchoices}
    priorities = {value: esc(label) for value, label in Ticket._meta.get_field("priority").flatchoices}
    short_format = formats.get_format("SHORT_DATETIME_FORMAT")

    def when(value) -> tuple[str, str]:
        local = timezone.localtime(value)
        return esc(local.isoformat()), esc(dateformat.format(local, short_format))

    out = []
    for t in page:
        url = detail % t.pk
        sla = getattr(t, "sla", "")
        row_class = "row-breached" if sla == "breached" else "row-near" if sla == "near" else ""
        ref = esc(t.reference)
        tags = "".join(f'<span class="badge tag-badge">{esc(tag.name)}</span>' for tag in t.tags.all())
        customer = t.customer
        org = esc(customer.organisation) if customer.organisation else ""
        org_title = f' title="{org}"' if org else ""
        customer_cell = esc(customer.display_name) + (f' <span class="small text-muted">· {org}</span>' if org else "")
        assignee = t.assignee
        assignee_cell = esc(assignee.get_full_name() or assignee.username) if assignee else unassigned
        updated_iso, updated_title = when(t.updated_at)
        due = getattr(t, "sla_due", None)
        if due:
            due_iso, due_title = when(due)
            due_class = "sla-breached" if sla == "breached" else "sla-near" if sla == "near" else "text-body-secondary"
            sla_cell = (
                f'<time datetime="{due_iso}" title="{due_title}" class="{due_class}">'
                f"{esc(countdown_text(due, now))}</time>"
            )
        else:
            sla_cell = no_clock
        fields = "".join(f'<td class="field-col small">{esc(field_cell(t, f))}</td>' for f in field_columns)
        out.append(
            f'<tr class="{row_class}" data-ticket-url="{url}">'
            f'<td class="bulk-cell"><input type="checkbox" class="form-check-input bulk-check" name="ids" '
            f'value="{t.pk}" form="bulk-form" aria-label="{esc(select_label % {"ref": t.reference})}"></td>'
            f'<td class="ticket-cell"><a class="fw-semibold text-decoration-none stretched-link-row" href="{url}">'
            f'<span class="ref">{ref}</span> {esc(t.subject)}</a>{tags}</td>'
            f'<td class="d-none d-md-table-cell text-truncate cell-customer"{org_title}>'
            f"{customer_cell}</td>"
            f'<td><span class="badge status-badge status-{esc(t.status)}">{statuses.get(t.status) or esc(t.status)}</span></td>'
            f'<td class="d-none d-sm-table-cell"><span class="badge priority-badge priority-{esc(t.priority)}">'
            f"{priorities.get(t.priority) or esc(t.priority)}</span></td>"
            f'<td class="d-none d-xxl-table-cell text-truncate cell-queue">{esc(t.queue)}</td>'
            f'<td class="d-none d-lg-table-cell text-truncate cell-assignee">{assignee_cell}</td>'
            f'<td class="d-none d-md-table-cell text-nowrap"><time datetime="{updated_iso}" title="{updated_title}">'
            f"{esc(ago_text(t.updated_at, now))}</time></td>"
            f'<td class="text-nowrap">{sla_cell}</td>{fields}</tr>'
        )
    return mark_safe("\n".join(out))


@register.simple_tag
def thread_html(thread, ticket, detail=False) -> str:
    """A ticket's thread (templates/tickets/_thread.html includes it), built in Python: 30 messages
    through the template engine were a fifth of the ticket page. With `detail` (the ticket page), each
    message says its kind, the customer's address and the files' sizes."""
    from django.template.defaultfilters import filesizeformat
    from django.utils import dateformat, formats, timezone
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext as _

    from tickets.models import MessageKind

    esc = _esc
    attachment_url = _pk_url("tickets:attachment")
    kinds = {value: esc(label) for value, label in MessageKind.choices}
    labels = {
        "note": f'<span class="badge msg-label-note"><span aria-hidden="true">🔒 </span>{esc(_("Internal note"))}</span>',
        "reply": f'<span class="badge msg-label-reply"><span aria-hidden="true">↩ </span>{esc(_("Public reply"))}</span>',
        "customer": f'<span class="badge msg-label-customer"><span aria-hidden="true">✉ </span>{esc(_("Customer"))}</span>',
    }
    system = esc(_("System"))
    files_label = esc(_("Attachments"))
    time_format = formats.get_format("SHORT_DATETIME_FORMAT" if detail else "DATETIME_FORMAT")
    customer = ticket.customer
    customer_name = esc(customer.display_name)
    customer_email = f' <span class="text-muted">&lt;{esc(customer.email)}&gt;</span>' if detail else ""

    out = ['<ol class="list-unstyled thread">']
    for m in thread:
        kind = m.kind
        if kind == "customer":
            who = customer_name
        elif m.author_id:
            who = esc(m.author.get_full_name() or m.author.username)
        else:
            who = system
        created = timezone.localtime(m.created_at)
        label = (labels.get(kind) or labels["customer"]) + " " if detail else ""
        strong = '<strong class="ms-1">' if detail else "<strong>"
        address = customer_email if kind == "customer" else ""
        files = ""
        attachments = list(m.attachments.all())
        if attachments:
            items = []
            for a in attachments:
                text = esc(a.filename)
                if detail:
                    text = f'<span aria-hidden="true">📎 </span>{text} <span class="text-muted">({esc(filesizeformat(a.size))})</span>'
                items.append(
                    f'<li class="list-inline-item"><a class="btn btn-sm btn-outline-secondary" '
                    f'href="{attachment_url % a.pk}" download>{text}</a></li>'
                )
            files = (
                f'<ul class="list-inline small mb-0 mt-2 attachments" aria-label="{files_label}">{"".join(items)}</ul>'
            )
        out.append(
            f'<li id="message-{m.pk}" class="card mb-3 msg msg-{esc(kind)}">'
            f'<article class="card-body" aria-label="{kinds.get(kind) or esc(kind)}">'
            f'<header class="d-flex flex-wrap justify-content-between gap-2 mb-2 small">'
            f"<div>{label}{strong}{who}</strong>{address}</div>"
            f'<time class="text-muted" datetime="{esc(created.isoformat())}">{esc(dateformat.format(created, time_format))}</time>'
            f'</header><div class="msg-body">{message_body(m)}</div>{files}</article></li>'
        )
    out.append("</ol>")
    return mark_safe("\n".join(out))
