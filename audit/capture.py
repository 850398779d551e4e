"""The generic hook: every save and delete of a configuration or people model is audited, whatever the
path (admin, services, API, shell), with the person from the current request. The earlier apps never
import `audit`; it listens at their models' boundary (the exception to "no signals").

Bulk writes (`QuerySet.update`, `bulk_create`) bypass model signals; services that change audited
configuration in bulk call `audit.services.record(...)` themselves.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from audit import services
from audit.models import Action

# Labels of audited models; "app.*" audits every model of an app. Labels of apps or models that are not
# installed are skipped, so this list may name what other apps add (automations, calendars, fields).
AUDITED = [
    "agents.offscriptkind",
    "agents.reasoncode",
    "agents.discretionpolicy",
    "agents.policylimit",
    "agents.delegation",
    "tickets.department",
    "tickets.queue",
    "tickets.profile",
    "tickets.slapolicy",
    "tickets.macro",
    "tickets.ticketfield",
    "tickets.calendar",
    "tickets.holiday",
    "auth.user",
    "auth.group",
    "feedback.surveysettings",
    "mailroom.mailtemplate",
    "recognition.kudosvalue",
    "automations.*",
    "identity.*",
    "webhooks.webhook",
]
# Changes to these fields alone are not configuration (a sign-in, a survey counter).
IGNORED_FIELDS = {"last_login", "updated_at", "availability_changed_at"}


def audited_models() -> list:
    found = []
    for label in AUDITED:
        app_label, _dot, model_name = label.partition(".")
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        if model_name == "*":
            found.extend(config.get_models())
        else:
            try:
                found.append(config.get_model(model_name))
            except LookupError:
                continue
    return found


def _label(sender) -> str:
    return sender._meta.label_lower


def before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    instance._audit_before = None
    if update_fields is not None and set(update_fields) <= IGNORED_FIELDS:
        instance._audit_skip = True
        return
    instance._audit_skip = False
    if instance.pk is not None and not instance._state.adding:
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = services.snapshot(old) if old is not None else None


def after_save(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw or getattr(instance, "_audit_skip", False):
        return
    after = services.snapshot(instance)
    if created:
        services.record(kind="config.create", action=Action.CREATE, obj=instance, after=after)
        return
    before = getattr(instance, "_audit_before", None) or {}
    changed = [k for k in after if k not in IGNORED_FIELDS and before.get(k) != after[k]]
    if not changed:
        return
    services.record(
        kind="config.update",
        action=Action.UPDATE,
        obj=instance,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
    )


def after_delete(sender, instance, **kwargs) -> None:
    services.record(kind="config.delete", action=Action.DELETE, obj=instance, before=services.snapshot(instance))


def roles_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs) -> None:
    """A person's roles (groups) before and after each change."""
    User = get_user_model()
    if reverse or not isinstance(instance, User):
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._audit_groups = sorted(instance.groups.values_list("name", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, "_audit_groups", [])
        after = sorted(instance.groups.values_list("name", flat=True))
        if before != after:
            services.record(
                kind="roles.change",
                action=Action.UPDATE,
                obj=instance,
                before={"roles": before},
                after={"roles": after},
            )


def connect() -> None:
    for model in audited_models():
        uid = f"audit.{_label(model)}"
        pre_save.connect(before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(after_save, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
    m2m_changed.connect(roles_changed, sender=get_user_model().groups.through, dispatch_uid="audit.roles")
