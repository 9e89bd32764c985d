"""Interpreter and volunteer pools (DOMAIN.md §6): language mediators (Sprachmittler/Kulturmittler) with their
languages, and volunteers matched to individual cases.

Every pool member has a partner entry in the organisation's partner directory, so that a release from
confidentiality can name the interpreter or volunteer as recipient. Volunteers are not Lotse users: they read
what the client released to them through a personal link of their assignment (token stored hashed)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PoolKind(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreter / language mediator")
    VOLUNTEER = "volunteer", _("Volunteer")
    BOTH = "both", _("Interpreter and volunteer")


INTERPRETER_KINDS = (PoolKind.INTERPRETER, PoolKind.BOTH)
VOLUNTEER_KINDS = (PoolKind.VOLUNTEER, PoolKind.BOTH)


class PoolTopic(models.TextChoices):
    AUTHORITIES = "authorities", _("Accompaniment to authorities")
    DOCTORS = "doctors", _("Doctor's appointments")
    HOMEWORK = "homework", _("Homework help")
    HOUSING = "housing", _("Housing search")
    LEISURE = "leisure", _("Leisure activities")
    LANGUAGE = "language", _("Practising German")
    FORMS = "forms", _("Forms and letters")
    JOBS = "jobs", _("Job search and applications")
    CHILDCARE = "childcare", _("Childcare")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("native language")
    FLUENT = "fluent", _("fluent")
    GOOD = "good", _("good")
    BASIC = "basic", _("basic")


class PoolMember(models.Model):
    """An interpreter or volunteer of the organisation's pool."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE,
                                     related_name="pool_members")
    kind = models.CharField(_("role in the pool"), max_length=20, choices=PoolKind.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    languages = models.ManyToManyField("codelists.Code", verbose_name=_("languages"),
                                       through="PoolMemberLanguage", related_name="+")
    availability = models.CharField(_("availability"), max_length=500, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    confidentiality_signed_on = models.DateField(_("confidentiality agreement signed on"), null=True,
                                                 blank=True)
    partner = models.OneToOneField("network.Partner", on_delete=models.PROTECT, related_name="pool_member",
                                   help_text="The partner entry that releases from confidentiality name.")
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organisation", "is_active", "name", "id"],
                                name="poolmember_org_name_idx")]
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")

    def __str__(self):
        return self.name

    @property
    def is_interpreter(self) -> bool:
        return self.kind in INTERPRETER_KINDS

    @property
    def is_volunteer(self) -> bool:
        return self.kind in VOLUNTEER_KINDS

    def topic_labels(self) -> list[str]:
        return [str(PoolTopic(code).label) for code in self.topics if code in PoolTopic.values]


class PoolMemberLanguage(models.Model):
    """A language a pool member speaks, with an optional level."""

    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="language_rows")
    language = models.ForeignKey("codelists.Code", verbose_name=_("language"), on_delete=models.PROTECT,
                                 related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["member", "language"],
                                               name="poolmember_language_unique")]


class VolunteerAssignment(models.Model):
    """A volunteer helping in one case (Einsatz), with the personal link through which they read what the
    client released to them. Only the hash of the link's secret is stored."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="volunteer_assignments")
    member = models.ForeignKey(PoolMember, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                               related_name="assignments")
    purpose = models.CharField(_("what the volunteer helps with"), max_length=300)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    token_prefix = models.CharField(max_length=12, unique=True, null=True, blank=True)
    token_hash = models.CharField(max_length=128, blank=True)
    token_expires_on = models.DateField(_("link valid until"), null=True, blank=True)
    token_created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    token_created_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "member"], condition=Q(until__isnull=True),
                                               name="volunteer_one_active_assignment_per_case")]
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")

    @property
    def is_active(self) -> bool:
        return self.until is None

    @property
    def has_link(self) -> bool:
        return bool(self.token_prefix)
