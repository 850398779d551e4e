"""Off-script latitude: kinds of action, discretion policies and their limits, the actions agents take,
approvals and delegations (their notices are `notices.Notice` rows, kinds registered in agents.hooks).

Money is Decimal with two places. A kind without an amount (a policy exception) counts one unit
per action, so its limits are counts.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.translated import TranslatedName
from tickets.models import Role

MONEY = {"max_digits": 14, "decimal_places": 2}


class OffscriptKind(TranslatedName):
    """A kind of thing an agent may do off-script: refund, credit, fee waiver… configurable by admins."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    has_amount = models.BooleanField(_("has a money amount"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", blank=True)
    hard_ceiling = models.DecimalField(
        _("hard ceiling"),
        **MONEY,
        default=Decimal("1000.00"),
        help_text=_("Nobody may record or approve more than this in one action (for kinds without amount: ignored)."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("off-script kind")
        verbose_name_plural = _("off-script kinds")


class ReasonCode(TranslatedName):
    kind = models.ForeignKey(OffscriptKind, on_delete=models.CASCADE, related_name="reason_codes")
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=150)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "label"]
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="reason_code_unique_per_kind")]

    NAME_FIELD = "label"


class PolicyScope(models.TextChoices):
    ROLE = "role", _("Everyone with a role")
    NEW_AGENT = "new_agent", _("New agents")
    AGENT = "agent", _("One agent (override or temporary boost)")


class DiscretionPolicy(models.Model):
    """A set of limits per kind. Which applies to a user, first match wins: an agent's boost (with an
    end date), then the agent's permanent override, then the new-agent policy (first N days after
    Profile.started_on), then the policy of the user's highest role. A policy without a row for a kind
    passes that kind on to the next one in the chain."""

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("applies to"), max_length=10, choices=PolicyScope.choices)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discretion_policies",
        verbose_name=_("agent"),
    )
    new_agent_days = models.PositiveIntegerField(
        _("days an agent counts as new"), default=90, help_text=_("Only for the new-agent policy.")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Set for a temporary boost."))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["scope", "role", "name"]
        verbose_name = _("discretion policy")
        verbose_name_plural = _("discretion policies")
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=Q(scope="role", active=True), name="one_active_policy_per_role"
            ),
            models.CheckConstraint(
                condition=~Q(scope="agent") | Q(user__isnull=False), name="agent_policy_names_agent"
            ),
            models.CheckConstraint(condition=~Q(scope="role") | ~Q(role=""), name="role_policy_names_role"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_boost(self) -> bool:
        return self.scope == PolicyScope.AGENT and self.ends_on is not None


class PolicyLimit(models.Model):
    """The limits of one policy for one kind. Amounts in the kind's currency (counts for kinds without amount)."""

    policy = models.ForeignKey(DiscretionPolicy, on_delete=models.CASCADE, related_name="limits")
    kind = models.ForeignKey(OffscriptKind, on_delete=models.CASCADE, related_name="+")
    per_action_limit = models.DecimalField(_("per action"), **MONEY, default=Decimal("0"))
    period_budget = models.DecimalField(_("budget per month"), **MONEY, default=Decimal("0"))
    customer_budget = models.DecimalField(_("per customer per month"), **MONEY, default=Decimal("0"))
    manager_threshold = models.DecimalField(
        _("manager approval above"),
        **MONEY,
        default=Decimal("0"),
        help_text=_("Above this amount a manager, not a team lead, must approve."),
    )

    class Meta:
        ordering = ["kind__position", "kind__name"]
        verbose_name = _("limit")
        verbose_name_plural = _("limits")
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="one_limit_per_policy_kind"),
            models.CheckConstraint(
                condition=Q(
                    per_action_limit__gte=0, period_budget__gte=0, customer_budget__gte=0, manager_threshold__gte=0
                ),
                name="limits_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name}: {self.kind.name}"


class PolicyVersion(models.Model):
    """The history of a policy: its limits as they were after each change."""

    policy = models.ForeignKey(DiscretionPolicy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    limits = models.JSONField(default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_unique")]

    def __str__(self) -> str:
        return f"{self.policy.name} v{self.number}"


class ActionStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending approval")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalLevel(models.TextChoices):
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")


LEVEL_RANK = {ApprovalLevel.LEAD: 1, ApprovalLevel.MANAGER: 2, ApprovalLevel.ADMIN: 3}


class OffscriptAction(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="offscript_actions", verbose_name=_("ticket")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="offscript_actions",
        verbose_name=_("requested by"),
    )
    kind = models.ForeignKey(OffscriptKind, on_delete=models.PROTECT, related_name="actions", verbose_name=_("kind"))
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    reason_code = models.ForeignKey(
        ReasonCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reason code")
    )
    reason = models.TextField(_("reason"))
    customer_note = models.TextField(_("note to the customer"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Approval: who must decide (the level), whom it was routed to, and the decision.
    approval_level = models.CharField(_("approval by"), max_length=10, choices=ApprovalLevel.choices, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offscript_requests_to_decide",
        verbose_name=_("routed to"),
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0)
    over_limits = models.JSONField(_("limits exceeded"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offscript_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # The limits in force when the action was recorded: policy, version and every number used.
    limits_snapshot = models.JSONField(default=dict)
    resubmission_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resubmitted_as"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("off-script action")
        verbose_name_plural = _("off-script actions")
        indexes = [
            models.Index(fields=["agent", "kind", "status", "created_at"], name="offscript_budget_idx"),
            models.Index(fields=["kind", "status", "created_at"], name="offscript_kind_idx"),
            models.Index(fields=["status", "routed_at"], name="offscript_pending_idx"),
            models.Index(fields=["-created_at"], name="offscript_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="offscript_amount_positive"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="offscript_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.display_amount} on {self.ticket_id}"

    @property
    def display_amount(self) -> str:
        return f"{self.amount} {self.currency}".strip() if self.amount is not None else ""

    @property
    def is_pending(self) -> bool:
        return self.status == ActionStatus.PENDING

    @property
    def self_approved(self) -> bool:
        return self.status == ActionStatus.APPROVED and self.decided_by_id is None


class BudgetLock(models.Model):
    """One row per budget (an agent's for a kind, a customer's for a kind), locked with SELECT … FOR UPDATE
    while an action is checked and written, so two parallel actions cannot both spend the last of it."""

    key = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.key


class Delegation(models.Model):
    """Out of office: between two moments a person is away and a deputy stands in for them. When it starts
    (`handed_over_at`) their pending approvals and open tickets move to the deputy; routing skips them
    until it ends. The one record behind approval delegation and an agent's out-of-office."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_given", verbose_name=_("from")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegations_received", verbose_name=_("to")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Who set it: the person themself, or their lead or manager.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the hand-over to the deputy ran (at the start; the periodic job claims it once).
    handed_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="delegation_ends_after_start"),
            models.CheckConstraint(condition=~Q(from_user=models.F("to_user")), name="delegation_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user}"
