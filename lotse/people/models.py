"""Persons (clients), their names in every spelling, residence history and households."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("exact date")
    MONTH = "month", _("month and year known")
    YEAR = "year", _("only the year known")
    UNKNOWN = "unknown", _("unknown")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    MESSENGER = "messenger", _("Messenger")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person only")


class Person(models.Model):
    """A client. Belongs to the team that registered them; the team's roles may see them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_number = models.CharField(_("file number"), max_length=20, unique=True)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="persons")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="persons")

    family_name = models.CharField(_("family name(s)"), max_length=200)
    given_names = models.CharField(_("given name(s)"), max_length=200, blank=True)
    name_original_script = models.CharField(_("name in original script"), max_length=200, blank=True)

    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(_("precision of the date of birth"), max_length=10,
                                            choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)
    birth_place = models.CharField(_("place of birth"), max_length=200, blank=True)
    birth_country = models.ForeignKey("codelists.Code", verbose_name=_("country of birth"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    sex = models.ForeignKey("codelists.Code", verbose_name=_("sex"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")
    marital_status = models.ForeignKey("codelists.Code", verbose_name=_("marital status"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    nationalities = models.ManyToManyField("codelists.Code", verbose_name=_("nationalities"), blank=True,
                                           related_name="+", db_table="people_person_nationality")
    entry_date = models.DateField(_("date of entry to Germany"), null=True, blank=True)
    entry_date_precision = models.CharField(_("precision of the date of entry"), max_length=10,
                                            choices=DatePrecision.choices, default=DatePrecision.UNKNOWN)

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(_("preferred contact channel"), max_length=20,
                                         choices=ContactChannel.choices, blank=True)
    preferred_language = models.ForeignKey("codelists.Code", verbose_name=_("preferred language"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.TextField(_("address or accommodation"), blank=True)

    school_qualification = models.CharField(_("school qualification"), max_length=200, blank=True)
    vocational_qualification = models.CharField(_("vocational qualification"), max_length=200, blank=True)
    profession = models.CharField(_("profession"), max_length=200, blank=True)
    interests = models.TextField(_("interests"), blank=True)
    health_notes = models.TextField(_("health (special category, Art. 9 GDPR)"), blank=True)
    religion = models.CharField(_("religion (special category, Art. 9 GDPR)"), max_length=100, blank=True)

    is_deceased = models.BooleanField(_("deceased"), default=False)
    restricted_at = models.DateTimeField(_("processing restricted since"), null=True, blank=True)
    restriction_reason = models.CharField(_("reason for the restriction"), max_length=500, blank=True)
    search_name = models.CharField(max_length=1000, blank=True, editable=False,
                                   help_text="All name forms, normalised; trigram-indexed on PostgreSQL.")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["family_name", "given_names", "id"]
        indexes = [
            models.Index(fields=["team", "family_name", "given_names", "id"], name="person_team_name_idx",
                         condition=Q(merged_into__isnull=True)),
            models.Index(fields=["organisation", "birth_date"], name="person_org_birth_idx"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.family_name}, {self.given_names}" if self.given_names else self.family_name

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class NameSource(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit / toleration document")
    BAMF = "bamf", _("BAMF letter")
    SCHOOL = "school", _("School")
    AUTHORITY = "authority", _("Other authority")
    SELF = "self", _("Stated by the person")
    OTHER = "other", _("Other")


class PersonName(models.Model):
    """A further known spelling of the person's name, with where it comes from."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    family_name = models.CharField(_("family name(s)"), max_length=200, blank=True)
    given_names = models.CharField(_("given name(s)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=NameSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class PersonNameKey(models.Model):
    """Search index: matching keys of every name form, per token. Computed in Python so SQLite agrees.

    ``team`` is copied from the person so that a search looks only inside the user's scope.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("organisations.Team", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["team", "key"], name="person_key_team_idx"),
                   models.Index(fields=["key"], name="person_key_idx")]


class PersonLanguage(models.Model):
    class Level(models.TextChoices):
        NATIVE = "native", _("native language")
        GOOD = "good", _("good")
        BASIC = "basic", _("basic")
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey("codelists.Code", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="person_language_unique")]


class ResidenceStatusType(models.Model):
    """Editable catalogue of residence titles; laws change, so entries are data, not code."""

    code = models.SlugField(max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=200)
    needs_paragraph = models.BooleanField(default=False)
    is_secure = models.BooleanField(_("secure status"), default=False)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "label"]

    def __str__(self):
        return self.label


class ResidenceStatus(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residence_statuses")
    status_type = models.ForeignKey(ResidenceStatusType, verbose_name=_("status"), on_delete=models.PROTECT)
    paragraph = models.CharField(_("legal basis"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]


class Household(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="households")
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address or accommodation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class HouseholdMember(models.Model):
    """Membership of a person in a household over time; at most one current household per person."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_memberships")
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person"], condition=Q(until__isnull=True),
                                               name="person_one_current_household")]


class Relationship(models.Model):
    """A family relation, stored once per pair: ``person`` is the partner/parent/sibling/guardian of ``relative``."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("partner")
        PARENT = "parent", _("parent of")
        SIBLING = "sibling", _("sibling")
        GUARDIAN = "guardian", _("guardian of")
        RELATIVE = "relative", _("other relative")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_out")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("relation"), max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="relationship_not_self"),
        ]


class DuplicateDismissal(models.Model):
    """A counsellor decided two persons are different: the pair is not raised again."""

    person_low = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person_low", "person_high"], name="dismissal_unique")]


class Accommodation(models.TextChoices):
    RECEPTION_CENTRE = "reception_centre", _("Reception centre (Erstaufnahme)")
    SHARED = "shared", _("Shared accommodation (Gemeinschaftsunterkunft)")
    FOLLOW_UP = "follow_up", _("Follow-up accommodation (Anschlussunterbringung)")
    MUNICIPAL_EMERGENCY = "municipal_emergency", _("Municipal emergency accommodation (Obdachlosenunterkunft)")
    OWN_FLAT = "own_flat", _("Own flat")
    WITH_RELATIVES = "with_relatives", _("With relatives or friends")
    HOMELESS = "homeless", _("Homeless")
    OTHER = "other", _("Other")


class Livelihood(models.TextChoices):
    ASYLBLG = "asylblg", _("Benefits under the AsylbLG")
    SGB2 = "sgb2", _("Citizen's income (SGB II)")
    SGB12 = "sgb12", _("Social assistance (SGB XII)")
    SGB3 = "sgb3", _("Unemployment benefit (SGB III)")
    OWN_INCOME = "own_income", _("Own income")
    FAMILY = "family", _("Maintenance by the family")
    STUDENT_SUPPORT = "student_support", _("Training allowance (BAföG, BAB)")
    OTHER = "other", _("Other")


class LabourMarket(models.TextChoices):
    EMPLOYED = "employed", _("Employed (subject to social insurance)")
    MARGINAL = "marginal", _("Marginal employment (mini-job)")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    VOCATIONAL_TRAINING = "vocational_training", _("In vocational training")
    MEASURE = "measure", _("In a labour-market measure")
    UNEMPLOYED = "unemployed", _("Unemployed, looking for work")
    NO_PERMIT = "no_permit", _("Not allowed to work")
    NOT_AVAILABLE = "not_available", _("Not available (childcare, care, illness)")
    IN_EDUCATION = "in_education", _("In school or studying")
    RETIRED = "retired", _("Retired")


class Education(models.TextChoices):
    """Current participation in education; for children the school type (target groups such as Münster's)."""

    NOT_YET = "not_yet", _("Not yet in childcare or school")
    KINDERGARTEN = "kindergarten", _("Kindergarten or day care")
    PRIMARY = "primary", _("Primary school")
    HAUPTSCHULE = "hauptschule", _("Hauptschule")
    REALSCHULE = "realschule", _("Realschule")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    GESAMTSCHULE = "gesamtschule", _("Comprehensive school (Gesamt-/Sekundarschule)")
    FOERDERSCHULE = "foerderschule", _("Special needs school (Förderschule)")
    VOCATIONAL_SCHOOL = "vocational_school", _("Vocational school or college")
    UNIVERSITY = "university", _("University")
    LANGUAGE_COURSE = "language_course", _("Language or integration course")
    NONE = "none", _("Not in education")


SECONDARY_SCHOOLS = frozenset({Education.HAUPTSCHULE, Education.REALSCHULE, Education.GYMNASIUM,
                               Education.GESAMTSCHULE, Education.FOERDERSCHULE})


class IntegrationCourse(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    ENTITLED = "entitled", _("Entitled, not yet registered")
    OBLIGED = "obliged", _("Obliged to attend (§ 44a AufenthG), not yet registered")
    REGISTERED = "registered", _("Registered, waiting for a place")
    ATTENDING = "attending", _("Attending")
    COMPLETED_B1 = "completed_b1", _("Completed with B1 certificate")
    COMPLETED_BELOW_B1 = "completed_below_b1", _("Completed below B1")
    DROPPED_OUT = "dropped_out", _("Dropped out")


class Participation(models.TextChoices):
    ACTIVE = "active", _("Active in a club, association or voluntary work")
    CONTACTS = "contacts", _("Regular contacts outside the family")
    LITTLE = "little", _("Little social participation")


class LifeSituation(models.Model):
    """The person's situation (Lebenslage) as recorded on a date: accommodation, livelihood, work, education,
    integration course and social participation. A new record supersedes the previous one, so the situation
    on any date (e.g. 31 December for the annual monitoring) is the record valid on that date."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="life_situations")
    recorded_on = models.DateField(_("as of"))
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True, editable=False)
    accommodation = models.CharField(_("accommodation"), max_length=30, choices=Accommodation.choices, blank=True)
    livelihood = models.CharField(_("main livelihood / benefits"), max_length=30, choices=Livelihood.choices,
                                  blank=True)
    labour_market = models.CharField(_("work"), max_length=30, choices=LabourMarket.choices, blank=True)
    education = models.CharField(_("education / school"), max_length=30, choices=Education.choices, blank=True)
    integration_course = models.CharField(_("integration course"), max_length=30, choices=IntegrationCourse.choices,
                                          blank=True)
    participation = models.CharField(_("social participation"), max_length=30, choices=Participation.choices,
                                     blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["person", "recorded_on"], name="lifesituation_person_date_idx")]
        constraints = [models.UniqueConstraint(fields=["person", "recorded_on"], name="lifesituation_one_per_day")]
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")

    def __str__(self):
        return f"{self.person} ({self.recorded_on:%d.%m.%Y})"
