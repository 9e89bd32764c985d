"""A realistic partner directory for the demo organisation (the welfare association running MBE and JMD in
Lindenau): authorities, course providers, schools and day care, counselling services, housing, volunteers —
with addresses, opening hours, services, contact persons, languages and the cooperation per programme.

Idempotent: partners are found by name (``lotse/core/demo.py`` already creates some of them with fewer
details; those are completed, never duplicated), and only what is missing is added. All addresses, phone
numbers and e-mail addresses are fictitious (``.invalid`` domains)."""

from __future__ import annotations

from lotse.network.models import Partner, PartnerContact, PartnerProgramme, PartnerService

# name, type, street, postal code, city, phone, e-mail, website, opening hours, languages (codes),
# services, contact persons (name, function, phone, e-mail), cooperation per programme (mbe/jmd/sim), notes
DEMO_DIRECTORY = [
    {"name": "Jobcenter Landkreis Lindenau", "type": "job_centre", "street": "Bahnhofstraße 12",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 204-0",
     "email": "jobcenter@lindenau.invalid",
     "website": "https://jobcenter.lindenau.invalid", "opening_hours": "Mo–Fr 8–12 Uhr, Do 14–17 Uhr",
     "languages": ["deu", "eng", "tur"],
     "services": ["Arbeitsvermittlung", "Bürgergeld", "Berufssprachkurse (Zuweisung)", "Integration Point"],
     "contacts": [("Frau Berg", "Fallmanagerin U25", "07541 204-118", "berg@jobcenter.lindenau.invalid"),
                  ("Herr Demir", "Integration Point", "07541 204-131", "demir@jobcenter.lindenau.invalid")],
     "programmes": {"mbe": "mandatory", "jmd": "mandatory"}},
    {"name": "Ausländerbehörde Landratsamt Lindenau", "type": "foreigners_authority",
     "street": "Glärnischstraße 1", "postal_code": "88045", "city": "Lindenau", "phone": "07541 204-5300",
     "email": "auslaenderbehoerde@lra-lindenau.invalid", "website": "https://www.lra-lindenau.invalid",
     "opening_hours": "Mo, Di, Fr 8–12 Uhr; Do 8–12 und 14–17:30 Uhr (nur mit Termin)",
     "languages": ["deu", "eng"],
     "services": ["Aufenthaltstitel", "Verpflichtung zum Integrationskurs", "Beschäftigungserlaubnis"],
     "contacts": [("Frau Schäfer", "Sachgebietsleitung 2.3", "07541 204-5310",
                   "schaefer@lra-lindenau.invalid")],
     "programmes": {"mbe": "mandatory", "jmd": "optional"}},
    {"name": "Volkshochschule Lindenau (Integrationskurse)", "type": "course_provider",
     "street": "Schulstraße 4", "postal_code": "88045", "city": "Lindenau", "phone": "07541 3300-0",
     "email": "integration@vhs-lindenau.invalid", "website": "https://www.vhs-lindenau.invalid",
     "opening_hours": "Mo–Do 9–12 und 14–16 Uhr", "languages": ["deu", "eng", "ara", "ukr"],
     "services": ["Integrationskurs mit Kinderbetreuung", "Alphabetisierungskurs", "Jugendintegrationskurs",
                  "Einstufungstest"],
     "contacts": [("Herr Kowalski", "Fachbereichsleitung Deutsch", "07541 3300-21",
                   "kowalski@vhs-lindenau.invalid")],
     "programmes": {"mbe": "mandatory", "jmd": "mandatory"}},
    {"name": "Grundschule am Lindenplatz", "type": "school", "street": "Lindenplatz 2",
     "postal_code": "88045",
     "city": "Lindenau", "phone": "07541 5512", "email": "sekretariat@gs-lindenplatz.invalid",
     "opening_hours": "Sekretariat Mo–Fr 7:30–12 Uhr", "languages": ["deu"],
     "services": ["Vorbereitungsklasse (VKL)", "Schulsozialarbeit", "Ganztagsbetreuung"],
     "contacts": [("Frau Lehmann", "Schulsozialarbeit", "07541 5512-14", "lehmann@gs-lindenplatz.invalid")],
     "programmes": {"mbe": "optional", "jmd": "optional"}},
    {"name": "Kita Sonnenblume", "type": "kita", "street": "Gartenweg 7", "postal_code": "88046",
     "city": "Lindenau",
     "phone": "07541 7788", "email": "kita.sonnenblume@lindenau.invalid",
     "opening_hours": "Mo–Fr 7–16:30 Uhr",
     "languages": ["deu", "tur", "ara"], "services": ["Kita-Platz ab 1 Jahr", "Sprachförderung"],
     "contacts": [("Frau Wagner", "Kita-Leitung", "07541 7788", "wagner@kita-sonnenblume.invalid")],
     "programmes": {"mbe": "optional"}},
    {"name": "Jugendamt Landkreis Lindenau", "type": "youth_office", "street": "Albrechtstraße 75",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 204-5600",
     "email": "jugendamt@lra-lindenau.invalid",
     "opening_hours": "Mo–Fr 8–12 Uhr", "languages": ["deu", "eng"],
     "services": ["Allgemeiner Sozialer Dienst (ASD)", "Kita-Platzvergabe", "Hilfen zur Erziehung"],
     "contacts": [("Herr Brandt", "ASD, Bezirk Nord", "07541 204-5622", "brandt@lra-lindenau.invalid")],
     "programmes": {"mbe": "optional", "jmd": "mandatory"}},
    {"name": "Schuldnerberatung Diakonie Lindenau", "type": "debt_counselling", "street": "Kirchgasse 3",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 9020",
     "email": "schuldnerberatung@diakonie.invalid",
     "opening_hours": "Offene Sprechstunde Di 14–16 Uhr", "languages": ["deu", "rus"],
     "services": ["Schuldner- und Insolvenzberatung", "P-Konto-Bescheinigung"],
     "contacts": [("Frau Nowak", "Schuldnerberaterin", "07541 9020-3", "nowak@diakonie.invalid")],
     "programmes": {"mbe": "optional"}},
    {"name": "Suchtberatungsstelle Lindenau", "type": "addiction_counselling", "street": "Seestraße 20",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 4411",
     "email": "sucht@bwlv-lindenau.invalid",
     "opening_hours": "Mo–Fr 9–12 Uhr, Mi 15–18 Uhr", "languages": ["deu", "rus", "pes"],
     "services": ["Beratung bei Sucht und Abhängigkeit", "Vermittlung in Therapie"],
     "contacts": [("Herr Yildiz", "Suchtberater", "07541 4411-2", "yildiz@bwlv-lindenau.invalid")],
     "programmes": {"jmd": "optional"}},
    {"name": "Sozialpsychiatrischer Dienst Lindenau", "type": "social_psychiatric", "street": "Seestraße 22",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 4420", "email": "spdi@lindenau.invalid",
     "opening_hours": "Mo–Fr 9–12 Uhr und nach Vereinbarung", "languages": ["deu", "eng"],
     "services": ["Beratung bei psychischen Krisen", "Psychosoziale Begleitung Geflüchteter"],
     "contacts": [("Frau Dr. Roth", "Fachärztin", "07541 4420-1", "roth@spdi-lindenau.invalid")],
     "programmes": {"mbe": "optional", "jmd": "optional"}},
    {"name": "Rückkehrberatung Landkreis Lindenau", "type": "return_counselling",
     "street": "Glärnischstraße 1",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 204-5390",
     "email": "rueckkehr@lra-lindenau.invalid",
     "opening_hours": "Di und Do 9–12 Uhr", "languages": ["deu", "eng", "fra", "ara"],
     "services": ["Rückkehr- und Perspektivberatung", "Starthilfe Plus (Antrag)"],
     "contacts": [("Herr Keller", "Rückkehrberater", "07541 204-5391", "keller@lra-lindenau.invalid")],
     "programmes": {"mbe": "optional"}},
    {"name": "Lindenauer Wohnungsbaugesellschaft", "type": "landlord", "street": "Marktplatz 9",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 6060", "email": "vermietung@lwg.invalid",
     "website": "https://www.lwg.invalid", "opening_hours": "Mo–Do 8–16 Uhr, Fr 8–12 Uhr",
     "languages": ["deu"],
     "services": ["Wohnungsvermittlung", "Mietschuldenberatung"],
     "contacts": [("Frau Hoffmann", "Vermietung", "07541 6060-12", "hoffmann@lwg.invalid")],
     "programmes": {"mbe": "optional"}},
    {"name": "Syrischer Kulturverein Lindenau e. V.", "type": "migrant_organisation",
     "street": "Hafenstraße 5",
     "postal_code": "88045", "city": "Lindenau", "phone": "0151 2345678",
     "email": "info@skv-lindenau.invalid",
     "opening_hours": "Treffpunkt Sa 15–18 Uhr", "languages": ["ara", "deu", "qbj"],
     "services": ["Kulturdolmetschen", "Hausaufgabenhilfe", "Frauencafé"],
     "contacts": [("Herr Al-Masri", "Vorsitzender", "0151 2345678", "almasri@skv-lindenau.invalid")],
     "programmes": {"mbe": "optional", "jmd": "optional"}},
    {"name": "Ehrenamtsinitiative Lindenau hilft", "type": "volunteers", "street": "Kirchgasse 5",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 9031",
     "email": "kontakt@lindenau-hilft.invalid",
     "opening_hours": "Sprechstunde Mi 10–12 Uhr", "languages": ["deu", "eng", "fra", "ukr"],
     "services": ["Begleitung zu Ämtern", "Patenschaften", "Fahrradwerkstatt"],
     "contacts": [("Frau Bauer", "Koordination Ehrenamt", "07541 9031", "bauer@lindenau-hilft.invalid")],
     "programmes": {"mbe": "optional", "jmd": "optional"}},
    {"name": "Jugendmigrationsdienst Caritas Lindenau", "type": "migration_service", "street": "Kirchplatz 1",
     "postal_code": "88045", "city": "Lindenau", "phone": "07541 3030-40",
     "email": "jmd@caritas-lindenau.invalid",
     "opening_hours": "Mo–Fr 9–12 Uhr, Di 14–17 Uhr", "languages": ["deu", "eng", "ara", "prs"],
     "services": ["Beratung junger Zugewanderter (12–27)", "Bewerbungstraining"],
     "contacts": [("Herr Wolf", "Berater JMD", "07541 3030-41", "wolf@caritas-lindenau.invalid")],
     "programmes": {"mbe": "optional"}, "is_internal": True,
     "notes": "Eigener Fachdienst des Caritasverbands: Übergabe junger Erwachsener bis 27 Jahre."},
]

FIELDS = ("street", "postal_code", "city", "phone", "email", "website", "opening_hours", "notes")


def seed_demo(*, organisation, actor=None) -> int:
    """Create or complete the demo directory of ``organisation``; returns how many entries were created.

    ``actor`` is accepted for symmetry with the other demos; the seed writes directly and records no audit
    events (the caller records one for the whole demo)."""
    from lotse.codelists.models import Code

    languages = {code.code: code for code in Code.objects.filter(code_list__slug="language", code__in={
        code for entry in DEMO_DIRECTORY for code in entry["languages"]})}
    offerings = {offering.programme: offering for offering in organisation.offerings.order_by("pk")}
    created = 0
    for entry in DEMO_DIRECTORY:
        partner = Partner.objects.filter(organisation=organisation, name__iexact=entry["name"]).first()
        if partner is None:
            partner = Partner.objects.create(organisation=organisation, name=entry["name"],
                                             partner_type=entry["type"], is_internal=entry.get("is_internal",
                                                                                               False))
            created += 1
        missing = [name for name in FIELDS if entry.get(name) and not getattr(partner, name)]
        for name in missing:
            setattr(partner, name, entry[name])
        if missing:
            partner.save(update_fields=[*missing, "updated_at"])
        if not partner.languages.exists():
            partner.languages.set([languages[code] for code in entry["languages"] if code in languages])
        for service in entry["services"]:
            PartnerService.objects.get_or_create(partner=partner, name=service)
        for name, function, phone, email in entry["contacts"]:
            PartnerContact.objects.get_or_create(partner=partner, name=name, defaults={
                "function": function, "phone": phone, "email": email})
        for programme, level in entry["programmes"].items():
            if programme in offerings:
                PartnerProgramme.objects.get_or_create(partner=partner, offering=offerings[programme],
                                                       defaults={"level": level})
    return created
