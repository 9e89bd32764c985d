"""Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO), erzeugt aus der Konfiguration.

Alles, was sich aus Modellen und Einstellungen ablesen lässt, wird abgelesen (Zwecke, Datenfelder,
Empfängerkategorien, Fristen, Schutzmaßnahmen); neue Felder der Person erscheinen von selbst unter
„Weitere Angaben“, damit das Verzeichnis nicht veraltet. Texte auf Deutsch (für die/den
Datenschutzbeauftragte/n).
"""

from dataclasses import dataclass, field
from html import escape

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from lotse.people.models import Person

SPECIAL_FIELDS = {"health_notes", "religion"}
GROUPS = (
    ("Identifikation", ("file_number", "family_name", "given_names", "name_original_script")),
    ("Geburt, Herkunft, Familienstand", ("birth_date", "birth_date_precision", "birth_place", "birth_country",
                                         "sex", "marital_status", "nationalities", "entry_date",
                                         "entry_date_precision", "is_deceased")),
    ("Kontakt", ("phone", "email", "preferred_channel", "preferred_language", "address")),
    ("Bildung, Beruf, Interessen (freiwillig)", ("school_qualification", "vocational_qualification",
                                                 "profession", "interests")),
    ("Besondere Kategorien (Art. 9 DSGVO)", ("health_notes", "religion")),
    ("Datenschutzstatus", ("restricted_at", "restriction_reason")),
)
INTERNAL = {"id", "public_id", "organisation", "team", "search_name", "merged_into", "version", "created_at",
            "updated_at", "created_by"}
RELATED_CATEGORIES = (
    ("Weitere Schreibweisen des Namens", "people.PersonName", False),
    ("Sprachen und Sprachniveau", "people.PersonLanguage", False),
    ("Aufenthaltsstatus (Verlauf)", "people.ResidenceStatus", False),
    ("Haushalte und Familienbeziehungen", "people.Relationship", False),
    ("Einwilligungen", "consent.Consent", False),
    ("Schweigepflichtentbindungen und Weitergaben", "consent.Release", False),
    ("Erstkontakte", "intake.FirstContact", False),
    ("Berichtigungen, Einschränkungen, Aufbewahrungspflichten", "privacy.CorrectionRecord", False),
    ("Prüfprotokoll (Zugriffe von Mitarbeitenden)", "audit.AuditEvent", False),
)


@dataclass
class Register:
    generated_at: str
    controllers: list = field(default_factory=list)
    purposes: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # (title, [(label, special)])
    recipients: list = field(default_factory=list)
    retention: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    subjects: list = field(default_factory=list)


def _person_categories() -> list:
    fields = {f.name: f for f in Person._meta.get_fields() if f.concrete or f.many_to_many}
    seen, result = set(), []
    for title, names in GROUPS:
        entries = [(str(fields[name].verbose_name), name in SPECIAL_FIELDS) for name in names if name in fields]
        seen.update(names)
        if entries:
            result.append((title, entries))
    rest = [(str(f.verbose_name), "Art. 9" in str(f.verbose_name)) for name, f in fields.items()
            if name not in seen and name not in INTERNAL]
    if rest:
        result.append(("Weitere Angaben", rest))
    related = []
    for title, label, special in RELATED_CATEGORIES:
        try:
            apps.get_model(label)
        except LookupError:
            continue
        related.append((title, special))
    result.append(("Zugehörige Daten", related))
    return result


def _purposes() -> list:
    try:
        from lotse.consent.models import Purpose
    except ImportError:
        Purpose = None
    purposes = [("Beratung und Fallmanagement (Erstkontakt, Beratung, Assessment, Integrationsplan)",
                 "Art. 6 Abs. 1 lit. e, Art. 9 Abs. 2 lit. h/a DSGVO; SGB X §§ 67 ff. bei öffentlichen Stellen"),
                ("Statistik und Berichte an Zuwendungsgeber (nur zusammengefasst, anonym)",
                 "Art. 6 Abs. 1 lit. c/e DSGVO; Zuwendungsbescheid")]
    if Purpose is not None:
        purposes += [(str(label), "Einwilligung, Art. 6 Abs. 1 lit. a, Art. 7 (ggf. Art. 9 Abs. 2 lit. a) DSGVO")
                     for _value, label in Purpose.choices]
    return purposes


def _recipients() -> list:
    try:
        from lotse.network.models import PartnerType
    except ImportError:
        return []
    return [str(label) for _value, label in PartnerType.choices]


def _retention() -> list:
    from lotse.privacy.models import RetentionRule

    return [(rule.get_subject_display(), "alle Programme" if rule.programme == "*" else rule.programme,
             f"{rule.period} {rule.get_unit_display()}", "aktiv" if rule.is_active else "inaktiv", rule.basis)
            for rule in RetentionRule.objects.order_by("subject", "programme")]


def _measures() -> list:
    from lotse.access import policy

    hashers = settings.PASSWORD_HASHERS
    argon = any("Argon2" in hasher for hasher in hashers)
    cooloff = round(float(settings.AXES_COOLOFF_TIME) * 60)
    csp = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    measures = [
        ("Zugangskontrolle", "Passwörter mit Argon2 gespeichert" if argon else
         f"Passwort-Hash: {hashers[0].rsplit('.', 1)[-1]}"),
        ("Zugangskontrolle", "Zweiter Faktor (TOTP) für jedes Konto Pflicht" if not settings.LOTSE_DEMO_MODE else
         "ACHTUNG: Demo-Modus – zweiter Faktor abgeschaltet; in Produktion nicht zulässig"),
        ("Zugangskontrolle", f"Sperre nach {settings.AXES_FAILURE_LIMIT} Fehlversuchen je Benutzer und IP für "
                             f"{cooloff} Minuten"),
        ("Zugangskontrolle", f"Abmeldung nach {settings.LOTSE_INACTIVITY_TIMEOUT_MINUTES} Minuten Inaktivität; "
                             f"erneute Anmeldung vor Export und Löschung (gilt "
                             f"{settings.LOTSE_REAUTH_VALID_MINUTES} Minuten)"),
        ("Zugangskontrolle", f"API-Zugangstokens höchstens {settings.LOTSE_API_TOKEN_MAX_DAYS} Tage gültig, "
                             "widerrufbar, nur als Hash gespeichert"),
        ("Zugriffskontrolle", f"Eine zentrale Zugriffsregel ({len(policy.RULES)} Regeln je Datenart): "
                              "Klientendaten sieht nur das zuständige Team; Koordination nur anonyme Kennzahlen; "
                              "verweigerte Zugriffe werden protokolliert"),
        ("Weitergabekontrolle", "HTTPS erzwungen" + (f", HSTS {settings.SECURE_HSTS_SECONDS} Sekunden"
                                                      if settings.SECURE_HSTS_SECONDS else ", HSTS aus")
         if settings.SECURE_SSL_REDIRECT else "HTTPS-Weiterleitung AUS (nur zulässig hinter TLS-Proxy)"),
        ("Weitergabekontrolle", "Content Security Policy aktiv, keine Inhalte von fremden Servern (kein CDN)"
         if csp else "Content Security Policy nicht konfiguriert"),
        ("Weitergabekontrolle", "Weitergabe an Partner nur mit gültiger Schweigepflichtentbindung; jede "
                                "Entscheidung wird festgehalten"),
        ("Eingabekontrolle", "Manipulationssicheres Prüfprotokoll (SHA-256-Hash-Kette) aller Lese- und "
                             "Schreibzugriffe; Prüfung mit manage.py audit_verify"
         + ("; in PostgreSQL gegen Ändern und Löschen gesperrt (Trigger)"
            if connection.vendor == "postgresql" else "")),
        ("Speicherbegrenzung", "Löschfristen automatisch (manage.py apply_retention, täglich); anonyme Reste "
                               "nur für Statistik"),
        ("Verfügbarkeit", "Empfehlung: tägliche, verschlüsselte Sicherung (pg_dump) außer Haus; "
                          "Wiederherstellung regelmäßig testen"),
    ]
    return measures


def build_register() -> Register:
    from lotse.organisations.models import Organisation

    controllers = []
    for organisation in Organisation.objects.filter(is_active=True).prefetch_related("offerings").order_by("name"):
        controllers.append((organisation.name, organisation.get_kind_display(),
                            ", ".join(o.name for o in organisation.offerings.all() if o.is_active) or "–"))
    return Register(
        generated_at=timezone.localtime().strftime("%d.%m.%Y %H:%M"),
        controllers=controllers, purposes=_purposes(), categories=_person_categories(),
        recipients=_recipients(), retention=_retention(), measures=_measures(),
        subjects=["Ratsuchende (Klientinnen und Klienten) und ihre Familienangehörigen",
                  "Mitarbeitende der Organisationen (Konten, Rollen, Protokoll)",
                  "Ansprechpersonen bei Partnern"],
    )


def to_markdown(register: Register) -> str:
    lines = ["# Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO) – Lotse", "",
             f"Erstellt am {register.generated_at} aus der Konfiguration.", "", "## Verantwortliche", ""]
    lines += [f"- **{name}** ({kind}); Dienste: {offerings}" for name, kind, offerings in register.controllers]
    lines += ["", "## Zwecke und Rechtsgrundlagen", ""]
    lines += [f"- {purpose} – {basis}" for purpose, basis in register.purposes]
    lines += ["", "## Kategorien betroffener Personen", ""] + [f"- {s}" for s in register.subjects]
    lines += ["", "## Kategorien personenbezogener Daten", ""]
    for title, entries in register.categories:
        lines.append(f"### {title}")
        lines += [f"- {label}{' **(besondere Kategorie, Art. 9 DSGVO)**' if special else ''}"
                  for label, special in entries]
        lines.append("")
    lines += ["## Empfängerkategorien", "",
              "Nur mit schriftlicher Schweigepflichtentbindung der Person für den jeweiligen Empfänger:", ""]
    lines += [f"- {r}" for r in register.recipients]
    lines += ["", "Keine Übermittlung in Drittländer.", "", "## Löschfristen", "",
              "| Daten | Programm | Frist | Status | Begründung |", "|---|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} | {e.replace('|', '/')} |" for a, b, c, d, e in register.retention]
    lines += ["", "## Technische und organisatorische Maßnahmen (Art. 32 DSGVO)", ""]
    lines += [f"- **{area}:** {text}" for area, text in register.measures]
    return "\n".join(lines) + "\n"


def to_html(register: Register) -> str:
    e = escape
    parts = ["<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\">",
             "<title>Verzeichnis von Verarbeitungstätigkeiten</title><style>",
             "body{font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:10pt;line-height:1.4}"
             "h1{font-size:16pt}h2{font-size:13pt;border-bottom:1px solid #666}h3{font-size:11pt}"
             "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #bbb;text-align:left;"
             "vertical-align:top;padding:2px 4px}@page{size:A4;margin:18mm 15mm}",
             "</style></head><body>",
             "<h1>Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO) – Lotse</h1>",
             f"<p>Erstellt am {e(register.generated_at)} aus der Konfiguration.</p><h2>Verantwortliche</h2><ul>"]
    parts += [f"<li><strong>{e(n)}</strong> ({e(k)}); Dienste: {e(o)}</li>" for n, k, o in register.controllers]
    parts.append("</ul><h2>Zwecke und Rechtsgrundlagen</h2><ul>")
    parts += [f"<li>{e(p)} – {e(b)}</li>" for p, b in register.purposes]
    parts.append("</ul><h2>Kategorien betroffener Personen</h2><ul>")
    parts += [f"<li>{e(s)}</li>" for s in register.subjects]
    parts.append("</ul><h2>Kategorien personenbezogener Daten</h2>")
    for title, entries in register.categories:
        parts.append(f"<h3>{e(title)}</h3><ul>")
        parts += [f"<li>{e(label)}{' <strong>(besondere Kategorie, Art. 9 DSGVO)</strong>' if special else ''}"
                  "</li>" for label, special in entries]
        parts.append("</ul>")
    parts.append("<h2>Empfängerkategorien</h2><p>Nur mit schriftlicher Schweigepflichtentbindung der Person für "
                 "den jeweiligen Empfänger:</p><ul>")
    parts += [f"<li>{e(r)}</li>" for r in register.recipients]
    parts.append("</ul><p>Keine Übermittlung in Drittländer.</p><h2>Löschfristen</h2><table><thead><tr>"
                 "<th>Daten</th><th>Programm</th><th>Frist</th><th>Status</th><th>Begründung</th></tr></thead>"
                 "<tbody>")
    parts += ["<tr>" + "".join(f"<td>{e(str(cell))}</td>" for cell in row) + "</tr>" for row in register.retention]
    parts.append("</tbody></table><h2>Technische und organisatorische Maßnahmen (Art. 32 DSGVO)</h2><ul>")
    parts += [f"<li><strong>{e(a)}:</strong> {e(t)}</li>" for a, t in register.measures]
    parts.append("</ul></body></html>")
    return "".join(parts)
