from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import Organisation, ProgrammeOffering, Role, Team


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    parent = forms.ModelChoiceField(label=_("Parent organisation"), queryset=Organisation.objects.none(),
                                    required=False, to_field_name="public_id",
                                    help_text=_("For example the county that delegated the service."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, parent_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices


class OfferingForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=ProgrammeOffering.Programme.choices)
    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("How the service is called in your organisation, e.g. “MBE Lindenau”."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    full_time_posts = forms.DecimalField(label=_("Full-time posts"), min_value=0, max_value=999, decimal_places=2,
                                         initial=1, required=False)
    cases_per_post = forms.IntegerField(label=_("Cases per full-time post"), min_value=0, max_value=1000, initial=0,
                                        required=False,
                                        help_text=_("0 means no limit. When the team is full, new cases go to the "
                                                    "waiting list."))
    offerings = forms.ModelMultipleChoiceField(
        label=_("Programmes"), queryset=ProgrammeOffering.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, to_field_name="public_id",
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offerings"].queryset = organisation.offerings.filter(is_active=True)


class MembershipFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  to_field_name="public_id",
                                  help_text=_("Needed for counsellors, team leads and accommodation management."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = organisation.teams.filter(is_active=True)


class MembershipForm(MembershipFields):
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StaffMemberForm(MembershipFields):
    username = forms.CharField(
        label=_("User name"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)

    field_order = ["username", "first_name", "last_name", "email", "role", "team"]


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or user name"), max_length=100, required=False)


class OfferingRulesForm(forms.Form):
    """The programme's case-work rules; an empty field means the programme's default (shown as placeholder)."""

    LABELS = {
        "time_limit_months": (_("Programme time limit (months)"), _("Empty: no time limit.")),
        "time_limit_warning_days": (_("Warn before the time limit (days)"), ""),
        "intensive_weeks": (_("Intensive phase at the start (weeks)"), ""),
        "intensive_interval_days": (_("Contact at least every … days in the intensive phase"), ""),
        "regular_interval_days": (_("Contact at least every … days afterwards"), ""),
        "follow_up_months": (_("Sustainability check after closure (months)"), ""),
        "handover_after_years": (_("Hand-over reminder after moving into an own flat (years)"), ""),
        "expiry_warning_days": (_("Warn before releases and residence documents run out (days)"), ""),
        "scale_min": (_("Assessment scale: lowest value"), ""),
        "scale_max": (_("Assessment scale: highest value"), ""),
        "whereabouts_check_weeks": (_("Check the whereabouts after a referral (weeks)"), ""),
    }

    def __init__(self, *args, defaults, **kwargs):
        from lotse.organisations.programme_settings import LIMITS

        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.LABELS.items():
            low, high = LIMITS[name]
            default = getattr(defaults, name)
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=low, max_value=high, help_text=help_text,
                widget=forms.NumberInput(attrs={"placeholder": "" if default is None else str(default)}))
