import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    TEAM_LEAD = "team_lead", _("Team lead")
    COORDINATOR = "coordinator", _("Coordination")
    ACCOMMODATION = "accommodation", _("Accommodation management")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


# Roles that work with client files of their team; the coordinator works with aggregates only.
CASEWORK_ROLES = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD})
TEAM_ROLES = frozenset({Role.COUNSELLOR, Role.TEAM_LEAD, Role.ACCOMMODATION})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("County (Landkreis)")
        MUNICIPALITY = "municipality", _("Municipality (Kommune)")
        WELFARE = "welfare", _("Provider / welfare association (Träger)")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class ProgrammeOffering(models.Model):
    class Programme(models.TextChoices):
        MBE = "mbe", _("MBE – migration counselling for adults")
        JMD = "jmd", _("JMD – youth migration service")
        IM = "im", _("Integration management (Baden-Württemberg)")
        SIM = "sim", _("Municipal social and integration management")
        CUSTOM = "custom", _("Custom programme")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offerings")
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    name = models.CharField(_("name"), max_length=200)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="offering_unique_name_per_org"),
        ]
        verbose_name = _("programme offering")
        verbose_name_plural = _("programme offerings")

    def __str__(self):
        return self.name


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    offerings = models.ManyToManyField(
        ProgrammeOffering, verbose_name=_("programmes"), blank=True, related_name="teams"
    )
    full_time_posts = models.DecimalField(_("full-time posts"), max_digits=5, decimal_places=2, default=1)
    cases_per_post = models.PositiveSmallIntegerField(
        _("cases per full-time post"), default=0,
        help_text=_("0 means no limit. When the team is full, new cases go to the waiting list."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role in an organisation, optionally bound to one team."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "team", "role"], condition=Q(team__isnull=False),
                name="membership_unique_in_team",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], condition=Q(team__isnull=True),
                name="membership_unique_without_team",
            ),
            models.CheckConstraint(
                condition=Q(team__isnull=False) | ~Q(role__in=sorted(r.value for r in TEAM_ROLES)),
                name="membership_team_role_needs_team",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_active"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
