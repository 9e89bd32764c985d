"""Demo data for the statistics: about two years of casework in the three demo teams, so that the monthly
controlling, the programme reports (MBE, JMD), the annual monitoring, the indicators and the target groups show
real figures — with enough cells of 5 or more that the protection for coordinators hides only a part.

What :func:`seed_statistics_demo` adds to the world of :mod:`lotse.core.demo`:

* MBE-Team Lindenau-Nord: 90 main clients from Syria, Ukraine, Afghanistan, Türkiye, Iraq, Eritrea, Romania,
  Russia (mostly Spätaussiedler) and Iran (88 cases, 2 requests on the waiting list), many with a spouse
  (co-counselled) and children in one household; two more counsellors (``berater2``, ``berater3``) share the
  cases with ``berater``.
* JMD-Team Lindenau: 30 young people aged 14–27, and the association's own JMD topic catalogue.
* SIM-Team Haanfeld: 13 families and 3 single persons — long-term tolerated families in the municipal shared
  accommodation on AsylbLG benefits with children at secondary school (Münster's target group: the Krasniqi,
  Berisha, Ramić, Rahimi and Khalaf families), tolerated families that just miss it, recognised refugees in
  their own flat, asylum seekers, homeless persons.

For the persons: residence-status history (one Duldung record per tolerated person, valid from the start of
the toleration until the current certificate expires), households, family relations, life situations recorded
at the start of the case and, for many, again later. For the cases: first contact, eligibility check (some
overridden with a reason), consents, phase history (counselling, case management, paused, closed, a few
reopened), contacts with topics, kinds and persons present, assessment, integration plan with goals and steps
and its versions, signed goal agreements, referrals through their whole course with releases and disclosures,
closures with reasons, indicators and sustainability checks.

Everything is placed relative to today (``timezone.localdate()``) as offsets in days, drawn from
``random.Random(2026)``: the demo looks the same whatever day it is loaded, and the numbers of created rows do
not depend on the day. Written with ``bulk_create`` in one transaction (a few seconds); one audit event
records what was created. Idempotent: nothing happens when the demo persons exist (found by their file
numbers, :func:`demo_file_numbers`) or when the demo organisations and teams are missing. The Haddad and Ahmadi
demo persons and the Haddad case are not touched.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lotse.organisations.models import Role

SEED = 2026
WINDOW_DAYS = 760  # cases opened from about 25 months ago up to a few days ago
FILE_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_PERSONS = 400

STATISTICS_USERS = [
    {"username": "berater2", "first_name": "Katharina", "last_name": "Neumann",
     "description": _("Counsellor, MBE team"), "roles": [("welfare", "mbe", Role.COUNSELLOR)]},
    {"username": "berater3", "first_name": "Lukas", "last_name": "Brenner",
     "description": _("Counsellor, MBE team"), "roles": [("welfare", "mbe", Role.COUNSELLOR)]},
]


def demo_file_numbers() -> list[str]:
    """The file numbers of the demo persons, in the order they are created (deterministic, in the usual
    ``L-XXXX-XXXX`` form so the file-number search finds them)."""
    rng = random.Random(f"lotse-statistics-demo-{SEED}")
    numbers: list[str] = []
    seen: set[str] = set()
    while len(numbers) < MAX_PERSONS:
        body = "".join(rng.choice(FILE_NUMBER_ALPHABET) for _n in range(8))
        number = f"L-{body[:4]}-{body[4:]}"
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers


# ---- names ------------------------------------------------------------------------------------------------
# (Latin spelling, original script); names already written in Latin letters have no second form.

ARABIC_MALE = [("Ahmad", "أحمد"), ("Mohammad", "محمد"), ("Khaled", "خالد"), ("Omar", "عمر"), ("Hassan", "حسن"),
               ("Ali", "علي"), ("Yousef", "يوسف"), ("Mahmoud", "محمود"), ("Bilal", "بلال"), ("Samer", "سامر"),
               ("Tarek", "طارق"), ("Ibrahim", "إبراهيم"), ("Mustafa", "مصطفى"), ("Rami", "رامي"), ("Fadi", "فادي")]
ARABIC_FEMALE = [("Fatima", "فاطمة"), ("Rania", "رانيا"), ("Nour", "نور"), ("Huda", "هدى"), ("Reem", "ريم"),
                 ("Salma", "سلمى"), ("Aya", "آية"), ("Maryam", "مريم"), ("Rasha", "رشا"), ("Dima", "ديما"),
                 ("Hala", "هالة"), ("Yasmin", "ياسمين"), ("Samira", "سميرة")]
SYRIAN_FAMILY = [("Khalil", "خليل"), ("Saleh", "صالح"), ("Darwish", "درويش"), ("Mansour", "منصور"),
                 ("Hamdan", "حمدان"), ("Al-Khatib", "الخطيب"), ("Aziz", "عزيز"), ("Jaber", "جابر"),
                 ("Othman", "عثمان"), ("Al-Sabbagh", "الصباغ"), ("Kurdi", "كردي"), ("Barakat", "بركات")]
IRAQI_FAMILY = [("Al-Jaburi", "الجبوري"), ("Hussein", "حسين"), ("Abbas", "عباس"), ("Rashid", "رشيد"),
                ("Qasim", "قاسم"), ("Jasim", "جاسم"), ("Salman", "سلمان")]
DARI_MALE = [("Farid", "فرید"), ("Hamid", "حمید"), ("Jawad", "جواد"), ("Mujtaba", "مجتبی"), ("Rahim", "رحیم"),
             ("Wahid", "وحید"), ("Habib", "حبیب"), ("Naweed", "نوید"), ("Bashir", "بشیر"), ("Sohrab", "سهراب")]
DARI_FEMALE = [("Fatema", "فاطمه"), ("Mariam", "مریم"), ("Zahra", "زهرا"), ("Shabnam", "شبنم"),
               ("Farzana", "فرزانه"), ("Soraya", "ثریا"), ("Nargis", "نرگس"), ("Parwana", "پروانه"),
               ("Mina", "مینا"), ("Roya", "رویا")]
AFGHAN_FAMILY = [("Ahmadzai", "احمدزی"), ("Hakimi", "حکیمی"), ("Noori", "نوری"), ("Sultani", "سلطانی"),
                 ("Haidari", "حیدری"), ("Karimi", "کریمی"), ("Mohammadi", "محمدی"), ("Sadat", "سادات"),
                 ("Jafari", "جعفری"), ("Wardak", "وردک")]
PERSIAN_MALE = [("Reza", "رضا"), ("Mehdi", "مهدی"), ("Amir", "امیر"), ("Babak", "بابک"), ("Saeed", "سعید"),
                ("Arash", "آرش")]
PERSIAN_FEMALE = [("Neda", "ندا"), ("Shirin", "شیرین"), ("Leila", "لیلا"), ("Sara", "سارا"), ("Parisa", "پریسا"),
                  ("Maryam", "مریم")]
IRANIAN_FAMILY = [("Hosseini", "حسینی"), ("Moradi", "مرادی"), ("Rezaei", "رضایی"), ("Tehrani", "تهرانی"),
                  ("Kazemi", "کاظمی"), ("Ebrahimi", "ابراهیمی")]
UKRAINIAN_MALE = [("Oleksandr", "Олександр"), ("Andrii", "Андрій"), ("Dmytro", "Дмитро"), ("Serhii", "Сергій"),
                  ("Mykola", "Микола"), ("Yurii", "Юрій"), ("Vasyl", "Василь"), ("Ivan", "Іван")]
UKRAINIAN_FEMALE = [("Olha", "Ольга"), ("Iryna", "Ірина"), ("Nataliia", "Наталія"), ("Tetiana", "Тетяна"),
                    ("Kateryna", "Катерина"), ("Yuliia", "Юлія"), ("Svitlana", "Світлана"), ("Oksana", "Оксана"),
                    ("Halyna", "Галина"), ("Mariia", "Марія"), ("Viktoriia", "Вікторія")]
UKRAINIAN_FAMILY = [("Kovalenko", "Коваленко"), ("Bondarenko", "Бондаренко"), ("Tkachenko", "Ткаченко"),
                    ("Kravchuk", "Кравчук"), ("Melnyk", "Мельник"), ("Boiko", "Бойко"), ("Lysenko", "Лисенко"),
                    ("Marchenko", "Марченко"), ("Savchuk", "Савчук"), ("Polishchuk", "Поліщук"),
                    ("Rudenko", "Руденко"), ("Hnatiuk", "Гнатюк")]
RUSSIAN_MALE = [("Aleksei", "Алексей"), ("Sergei", "Сергей"), ("Dmitri", "Дмитрий"), ("Viktor", "Виктор"),
                ("Pavel", "Павел"), ("Andrei", "Андрей")]
RUSSIAN_FEMALE = [("Elena", "Елена"), ("Tatiana", "Татьяна"), ("Irina", "Ирина"), ("Anna", "Анна"),
                  ("Olga", "Ольга"), ("Natalia", "Наталья")]
# Spätaussiedler keep their German family names, written in Cyrillic in their Russian papers.
AUSSIEDLER_FAMILY = [("Wagner", "Вагнер"), ("Schulz", "Шульц"), ("Neufeld", "Нойфельд"), ("Friesen", "Фризен"),
                     ("Janzen", "Янцен"), ("Klassen", "Классен"), ("Hoffmann", "Гофман")]
TURKISH_MALE = ["Mehmet", "Mustafa", "Ahmet", "Hüseyin", "Emre", "Murat", "Serkan", "Burak", "Kemal"]
TURKISH_FEMALE = ["Ayşe", "Fatma", "Zeynep", "Emine", "Hatice", "Merve", "Esra", "Derya"]
TURKISH_FAMILY = ["Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan", "Kaya", "Koç"]
ERITREAN_MALE = ["Yonas", "Semere", "Mehari", "Dawit", "Filmon", "Habtom", "Tesfalem"]
ERITREAN_FEMALE = ["Senait", "Helen", "Saba", "Selam", "Hiwet", "Luwam", "Winta"]
ERITREAN_FAMILY = ["Tesfay", "Gebremedhin", "Haile", "Kidane", "Berhane", "Woldu", "Ghebreyesus", "Asmerom"]
ROMANIAN_MALE = ["Ion", "Andrei", "Mihai", "Florin", "Gheorghe", "Constantin", "Marius"]
ROMANIAN_FEMALE = ["Maria", "Elena", "Ioana", "Andreea", "Mihaela", "Florentina", "Gabriela"]
ROMANIAN_FAMILY = ["Popescu", "Ionescu", "Stan", "Dumitru", "Stoica", "Munteanu", "Lungu", "Moldovan"]
GUINEAN_MALE = ["Mamadou", "Alpha", "Ibrahima", "Ousmane", "Amadou"]
GUINEAN_FEMALE = ["Mariama", "Fatoumata", "Aissatou", "Kadiatou"]
GUINEAN_FAMILY = ["Barry", "Bah", "Sow", "Camara", "Condé"]
SOMALI_MALE = ["Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Yusuf"]
SOMALI_FEMALE = ["Hodan", "Fartun", "Amina", "Hibo", "Sahra"]
SOMALI_FAMILY = ["Warsame", "Farah", "Abdi", "Osman", "Jama", "Hirsi"]


@dataclass(frozen=True)
class Pool:
    male: list
    female: list
    family: list
    language: str  # language of the goal agreement (lotse.documents.texts.LANGUAGES)


POOLS = {
    "475": Pool(ARABIC_MALE, ARABIC_FEMALE, SYRIAN_FAMILY, "ar"),
    "438": Pool(ARABIC_MALE, ARABIC_FEMALE, IRAQI_FAMILY, "ar"),
    "423": Pool(DARI_MALE, DARI_FEMALE, AFGHAN_FAMILY, "fa"),
    "439": Pool(PERSIAN_MALE, PERSIAN_FEMALE, IRANIAN_FAMILY, "fa"),
    "166": Pool(UKRAINIAN_MALE, UKRAINIAN_FEMALE, UKRAINIAN_FAMILY, "uk"),
    "160": Pool(RUSSIAN_MALE, RUSSIAN_FEMALE, AUSSIEDLER_FAMILY, "ru"),
    "163": Pool(TURKISH_MALE, TURKISH_FEMALE, TURKISH_FAMILY, "tr"),
    "224": Pool(ERITREAN_MALE, ERITREAN_FEMALE, ERITREAN_FAMILY, "ti"),
    "154": Pool(ROMANIAN_MALE, ROMANIAN_FEMALE, ROMANIAN_FAMILY, "de"),
    "261": Pool(GUINEAN_MALE, GUINEAN_FEMALE, GUINEAN_FAMILY, "fr"),
    "273": Pool(SOMALI_MALE, SOMALI_FEMALE, SOMALI_FAMILY, "de"),
}

INTERPRETERS = {"ar": "Frau Haj Ali (Arabisch)", "fa": "Herr Samadi (Dari/Farsi)",
                "ti": "Frau Tekle (Tigrinya)", "uk": "Frau Sydorenko (Ukrainisch)",
                "ru": "Frau Sydorenko (Russisch)", "tr": "Herr Kılıç (Türkisch)",
                "fr": "Frau Diop (Französisch)"}

STREETS = ["Lindenstraße", "Bahnhofstraße", "Seestraße", "Am Mühlbach", "Gartenweg", "Schillerstraße",
           "Ravensburger Straße", "Uferweg", "Hochstraße", "Goethestraße", "Am Schlossberg", "Talstraße"]

PROFESSIONS = ["Buchhalter/in", "Krankenpfleger/in", "Lehrer/in", "Elektriker/in", "Schneider/in",
               "Berufskraftfahrer/in", "Bauingenieur/in", "Verkäufer/in", "Friseur/in", "Maurer/in", "Koch/Köchin",
               "Apotheker/in", "Kfz-Mechaniker/in", "Erzieher/in", "Landwirt/in", "IT-Techniker/in"]
SCHOOL = ["Abitur", "Mittlere Reife (10 Schuljahre)", "9 Schuljahre", "6 Schuljahre", "Hochschulabschluss",
          "ohne Schulabschluss"]

# ---- the MBE, JMD and SIM worlds ----------------------------------------------------------------------------

MBE_NATIONALITIES = [("475", 20), ("166", 18), ("423", 12), ("163", 10), ("438", 8), ("224", 6), ("154", 6),
                     ("160", 5), ("439", 5)]
MBE_WAITING = 2  # of the 90 main clients, the last two are still on the waiting list
JMD_NATIONALITIES = [("475", 6), ("423", 6), ("166", 5), ("224", 3), ("261", 2), ("273", 2), ("163", 3),
                     ("438", 3)]

# The status path each nationality usually takes (weights); see _status_path.
MBE_PATHS = {
    "475": [("family", 4), ("refugee", 3), ("settled", 3)],
    "166": [("temporary_protection", 1)],
    "423": [("refugee", 2), ("asylum", 1), ("admission", 1)],
    "163": [("asylum", 3), ("skilled", 1)],
    "438": [("refugee", 2), ("family", 1)],
    "224": [("refugee", 2), ("family", 1)],
    "154": [("eu", 1)],
    "160": [("aussiedler", 4), ("refugee", 1)],
    "439": [("asylum", 1), ("refugee", 1)],
    "261": [("training_toleration", 1)],
    "273": [("refugee", 1)],
}

# family, nationality, status path, years in that status (tolerated: since when), accommodation, livelihood,
# adults (given names, sex, age), children (given names, sex, age, secondary school type once aged 10+)
SIM_FAMILIES = [
    ("Krasniqi", "150", "duldung", 9, "shared", "asylblg", [("Bekim", "m", 41), ("Drita", "w", 38)],
     [("Arben", "m", 15, "gesamtschule"), ("Elira", "w", 12, "realschule"), ("Dren", "m", 8, "")]),
    ("Berisha", "150", "duldung", 10, "shared", "asylblg", [("Valon", "m", 36), ("Shqipe", "w", 33)],
     [("Blerta", "w", 14, "hauptschule"), ("Liridon", "m", 11, "gymnasium"), ("Ardita", "w", 4, "")]),
    ("Ramić", "170", "duldung", 11, "shared", "asylblg", [("Senad", "m", 44), ("Mirsada", "w", 40)],
     [("Elvis", "m", 16, "foerderschule"), ("Samira", "w", 13, "gesamtschule")]),
    ("Rahimi", "423", "duldung", 8, "shared", "asylblg", [("Jawad", "m", 39), ("Shabnam", "w", 34)],
     [("Mahdi", "m", 13, "realschule"), ("Sana", "w", 9, ""), ("Ali", "m", 2, "")]),
    ("Khalaf", "438", "duldung", 7, "shared", "asylblg", [("Ahmed", "m", 45), ("Layla", "w", 41)],
     [("Zaid", "m", 12, "gymnasium"), ("Nour", "w", 6, "")]),
    ("Okafor", "232", "duldung", 6, "shared", "asylblg", [("Chinedu", "m", 35), ("Blessing", "w", 31)],
     [("David", "m", 9, ""), ("Grace", "w", 4, "")]),
    ("Diallo", "261", "duldung", 3, "shared", "asylblg", [("Mamadou", "m", 33)],
     [("Aissatou", "w", 14, "realschule")]),
    ("Khodr", "997", "duldung", 12, "own_flat", "asylblg", [("Hussein", "m", 47), ("Fatima", "w", 43)],
     [("Mohamad", "m", 17, "gesamtschule"), ("Zeinab", "w", 15, "hauptschule")]),
    ("Gashi", "150", "beschaeftigungsduldung", 10, "shared", "own_income",
     [("Fatmir", "m", 42), ("Merita", "w", 39)], [("Endrit", "m", 14, "gesamtschule")]),
    ("Sultani", "423", "25b", 8, "shared", "sgb2", [("Nasir", "m", 40), ("Farida", "w", 36)],
     [("Mursal", "w", 15, "gymnasium"), ("Omid", "m", 10, "realschule")]),
    ("Hamdan", "475", "refugee", 4, "own_flat", "sgb2", [("Khaled", "m", 38), ("Rasha", "w", 33)],
     [("Yaman", "m", 7, ""), ("Lama", "w", 3, "")]),
    ("Kidane", "224", "asylum", 2, "shared", "asylblg", [("Selam", "w", 29)], [("Abel", "m", 7, "")]),
    ("Aydın", "163", "asylum", 3, "shared", "asylblg", [("Serhat", "m", 37), ("Gülistan", "w", 34)],
     [("Rojda", "w", 13, "gesamtschule"), ("Baran", "m", 10, "hauptschule")]),
]
SIM_SCRIPTS = {"Rahimi": "رحیمی", "Khalaf": "خلف", "Khodr": "خضر", "Sultani": "سلطانی", "Hamdan": "حمدان"}
# family, given names, sex, age, nationality, status, accommodation, livelihood
SIM_SINGLES = [
    ("Krämer", "Uwe", "m", 54, "000", "deutsch", "municipal_emergency", "sgb2"),
    ("Kowalczyk", "Piotr", "m", 47, "152", "unionsbuerger", "municipal_emergency", "other"),
    ("Stoica", "Florentina", "w", 51, "154", "unionsbuerger", "homeless", "sgb2"),
]
SIM_SHARED_ADDRESS = "Städtische Unterkunft Am Wasserturm 3, 42781 Haanfeld"
SIM_EMERGENCY_ADDRESS = "Obdachlosenunterkunft Kölner Straße 88, 42781 Haanfeld"

JMD_TOPICS = [
    ("jmd-lindenau-school", "Schule und Schulabschluss"),
    ("jmd-lindenau-training", "Ausbildung und Berufsorientierung"),
    ("jmd-lindenau-language", "Sprachförderung und Jugendintegrationskurs"),
    ("jmd-lindenau-residence", "Aufenthalt und Asyl"),
    ("jmd-lindenau-family", "Familie und Konflikte"),
    ("jmd-lindenau-leisure", "Freizeit und Teilhabe"),
    ("jmd-lindenau-health", "Gesundheit und psychosoziale Belastung"),
    ("jmd-lindenau-money", "Geld, Leistungen und Schulden"),
    ("jmd-lindenau-housing", "Wohnen"),
]

MUNICIPAL_PARTNERS = [
    ("Ausländerbehörde Stadt Haanfeld", "foreigners_authority", "Rathaus, Zimmer 112"),
    ("Gesamtschule Haanfeld", "school", "Sekretariat 02129 5560"),
    ("Allgemeiner Sozialer Dienst Haanfeld", "youth_office", "Jugendamt, Bezirk Mitte"),
    ("Volkshochschule Haanfeld (Integrationskurse)", "course_provider", "vhs@haanfeld.invalid"),
    ("Gesundheitsamt Kreis Mettmann, Außenstelle Haanfeld", "health_office", ""),
]

# Topic weights per programme; MBE weights change with the client's situation (see _mbe_topic_weights).
MBE_TOPIC_WEIGHTS = {"mbe-residence-law": 14, "mbe-social-benefits": 14, "mbe-labour": 16, "mbe-education": 12,
                     "mbe-family": 6, "mbe-family-reunification": 4, "mbe-health": 7, "mbe-racism": 2,
                     "mbe-housing": 10, "mbe-return": 1, "mbe-volunteers": 1}
JMD_TOPIC_WEIGHTS = {"jmd-lindenau-school": 16, "jmd-lindenau-training": 18, "jmd-lindenau-language": 14,
                     "jmd-lindenau-residence": 9, "jmd-lindenau-family": 8, "jmd-lindenau-leisure": 6,
                     "jmd-lindenau-health": 5, "jmd-lindenau-money": 6, "jmd-lindenau-housing": 5}
SIM_TOPIC_WEIGHTS = {"sim-applications": 14, "sim-sgb-agencies": 10, "sim-asylum-residence": 12,
                     "sim-kita-school": 12, "sim-medical": 8, "sim-language": 8, "sim-labour-market": 6,
                     "sim-housing": 8, "sim-municipal-institutions": 6, "sim-local-structures": 4,
                     "sim-legal-appointments": 5, "sim-psychosocial": 5, "sim-debt": 3, "sim-police": 2,
                     "sim-addiction": 1}

KIND_WEIGHTS = {
    "mbe": {"appointment": 40, "office_hour": 16, "phone": 20, "email": 6, "messenger": 6, "home_visit": 3,
            "video": 3, "accompaniment": 5, "group": 1},
    "jmd": {"appointment": 35, "office_hour": 15, "phone": 12, "messenger": 18, "email": 4, "video": 2,
            "accompaniment": 8, "group": 6},
    "sim": {"home_visit": 34, "office_hour": 16, "appointment": 14, "phone": 16, "accompaniment": 12,
            "messenger": 6, "group": 2},
}
DURATIONS = {"office_hour": (20, 60), "appointment": (45, 90), "phone": (10, 25), "email": (5, 15),
             "messenger": (5, 10), "home_visit": (45, 120), "video": (30, 45), "accompaniment": (90, 180),
             "group": (90, 120)}
IN_PERSON = frozenset({"office_hour", "appointment", "home_visit", "video", "accompaniment", "group"})
REMOTE = frozenset({"phone", "email", "messenger"})

OCCASIONS = {
    "residence": ["Verlängerung der Aufenthaltserlaubnis vorbereiten", "Schreiben der Ausländerbehörde erklären",
                  "Termin bei der Ausländerbehörde vorbereiten", "Fragen zur Niederlassungserlaubnis"],
    "benefits": ["Bescheid des Jobcenters erklären", "Weiterbewilligungsantrag ausfüllen",
                 "Antrag auf Kinderzuschlag", "Nachforderung von Unterlagen durch das Jobcenter"],
    "labour": ["Bewerbungsunterlagen erstellen", "Arbeitsvertrag besprechen", "Vorbereitung Vorstellungsgespräch",
               "Fragen zum Minijob"],
    "education": ["Anerkennung des Berufsabschlusses", "Anmeldung zum Integrationskurs", "Berufssprachkurs B2",
                  "Zeugnisse übersetzen lassen"],
    "family": ["Kita-Anmeldung", "Schulanmeldung der Kinder", "Konflikt in der Familie", "Elterngeldantrag"],
    "reunification": ["Antrag auf Familiennachzug", "Visumstermin der Angehörigen", "Unterlagen für die Botschaft"],
    "health": ["Suche nach einer Hausarztpraxis", "Krankenversicherung klären", "Belastung und Schlafprobleme"],
    "housing": ["Wohnungssuche und Wohnberechtigungsschein", "Nebenkostenabrechnung erklären",
                "Mietvertrag besprechen", "Besichtigungstermin vorbereiten"],
    "other": ["Allgemeine Beratung", "Rückfragen zu Post", "Nachgespräch"],
}
TOPIC_OCCASIONS = {
    "mbe-residence-law": "residence", "mbe-social-benefits": "benefits", "mbe-labour": "labour",
    "mbe-education": "education", "mbe-family": "family", "mbe-family-reunification": "reunification",
    "mbe-health": "health", "mbe-housing": "housing",
    "jmd-lindenau-school": "education", "jmd-lindenau-training": "labour", "jmd-lindenau-language": "education",
    "jmd-lindenau-residence": "residence", "jmd-lindenau-family": "family", "jmd-lindenau-health": "health",
    "jmd-lindenau-money": "benefits", "jmd-lindenau-housing": "housing",
    "sim-applications": "benefits", "sim-sgb-agencies": "benefits", "sim-asylum-residence": "residence",
    "sim-kita-school": "family", "sim-medical": "health", "sim-language": "education",
    "sim-labour-market": "labour",
    "sim-housing": "housing", "sim-psychosocial": "health",
}

CLOSURE_NOTES = {
    "goals_reached": "Die vereinbarten Ziele sind erreicht; die Klientin / der Klient kommt gut allein zurecht.",
    "ended_by_client": "Die Beratung wurde auf Wunsch der Klientin / des Klienten beendet.",
    "counsellor_protection": "Beendet nach wiederholten Drohungen gegenüber der Beraterin; Teamleitung informiert.",
    "moved_away": "Umzug in einen anderen Landkreis; Adresse der dortigen Beratungsstelle mitgegeben.",
    "no_cooperation": "Keine Mitwirkung mehr, mehrere Termine ohne Absage versäumt.",
    "handed_over": "An einen anderen Dienst übergeben (Übergabegespräch geführt).",
    "time_limit": "Förderhöchstdauer erreicht.",
}
FOLLOW_UP_NOTES = ["Nachfrage telefonisch: Situation ist stabil.", "Arbeitsstelle besteht weiter.",
                   "Kurs wurde abgeschlossen, keine weitere Unterstützung nötig.",
                   "Nicht erreicht, Brief geschickt."]

# Goal categories with their life domain, what the client says and the steps (description, responsible,
# partner name or "").
GOALS = {
    "residence": ("residence", ["Meine Aufenthaltserlaubnis soll rechtzeitig verlängert werden.",
                                "Ich möchte eine Niederlassungserlaubnis beantragen."],
                  [("Unterlagen für die Ausländerbehörde zusammenstellen", "client", ""),
                   ("Verlängerung prüfen und Termin geben", "partner", "Ausländerbehörde")]),
    "german": ("language", ["Ich möchte Deutsch auf B1-Niveau lernen.",
                            "Ich möchte den Berufssprachkurs B2 schaffen."],
               [("Zum Einstufungstest gehen", "client", ""),
                ("Freie Kursplätze beim Kursträger erfragen", "counsellor", "")]),
    "integration_measures": ("language", ["Ich möchte einen Platz im Integrationskurs bekommen."],
                             [("Berechtigungsschein beim BAMF beantragen", "counsellor", ""),
                              ("Kursplatz bestätigen", "partner", "Integrationskurs")]),
    "labour_market": ("work", ["Ich möchte eine Arbeit in meinem Beruf finden.",
                               "Ich möchte über das Jobcenter eine Weiterbildung machen."],
                      [("Lebenslauf und Bewerbungsmappe erstellen", "counsellor", ""),
                       ("Bildungsgutschein für eine Weiterbildung prüfen", "partner", "Jobcenter")]),
    "qualification": ("education", ["Mein Berufsabschluss soll in Deutschland anerkannt werden."],
                      [("Zeugnisse übersetzen und beglaubigen lassen", "client", ""),
                       ("Antrag auf Anerkennung stellen", "counsellor", "")]),
    "kindergarten": ("family", ["Wir brauchen einen Kita-Platz für unser jüngstes Kind."],
                     [("Im Kita-Portal anmelden", "client", ""),
                      ("Rückfrage bei der Kita-Platzvergabe", "counsellor", "")]),
    "school": ("family", ["Unsere Kinder sollen in der Schule gut zurechtkommen."],
               [("Gespräch mit der Schulsozialarbeit führen", "client", ""),
                ("Hausaufgabenhilfe vermitteln", "counsellor", "")]),
    "health_care": ("health", ["Ich möchte eine Hausarztpraxis finden und Termine selbst vereinbaren."],
                    [("Hausarztpraxen mit Aufnahme suchen", "counsellor", ""),
                     ("Termin selbst vereinbaren", "client", "")]),
    "psychosocial": ("psychosocial", ["Ich möchte wieder besser schlafen und Hilfe bei einer Beratungsstelle "
                                      "bekommen."],
                     [("Erstgespräch beim Sozialpsychiatrischen Dienst wahrnehmen", "client", ""),
                      ("Begleitung zum ersten Termin", "counsellor", "")]),
    "livelihood": ("finances", ["Ich möchte von meinem eigenen Einkommen leben."],
                   [("Stellenangebote gemeinsam durchgehen", "counsellor", ""),
                    ("Bewerbungen schreiben", "client", "")]),
    "social_benefits": ("finances", ["Ich möchte die Bescheide vom Jobcenter selbst verstehen und Anträge "
                                     "selbst stellen."],
                        [("Weiterbewilligungsantrag gemeinsam ausfüllen", "counsellor", ""),
                         ("Nächsten Antrag allein ausfüllen", "client", "")]),
    "life_management": ("housing", ["Wir wollen eine eigene Wohnung finden."],
                        [("Wohnberechtigungsschein beantragen", "client", ""),
                         ("Passende Wohnungen anbieten", "partner", "Wohnungsbau")]),
    "participation": ("participation", ["Ich möchte Menschen in meiner Stadt kennenlernen, zum Beispiel in "
                                        "einem Verein."],
                      [("Angebote der Ehrenamtsinitiative ansehen", "client", ""),
                       ("Eine Patin / einen Paten vorschlagen", "partner", "Ehrenamt")]),
}
GOAL_REASONS = {"partly_reached": "Teilweise erreicht, Rest wird selbstständig weiterverfolgt.",
                "not_reached": "Nicht erreicht: die Beratung wurde vorzeitig beendet.",
                "discarded": "Verworfen beim Abschluss des Falls."}

# partner (name contains), reason, categories
REFERRALS = {
    "job_centre": ("Jobcenter", "Beratung zur Arbeitsaufnahme und zu Fördermöglichkeiten im Integration Point.",
                   ["master_data", "work"]),
    "course": ("Integrationskurs", "Anmeldung zum Integrationskurs, Einstufungstest.",
               ["master_data", "education"]),
    "foreigners": ("Ausländerbehörde", "Verlängerung des Aufenthaltstitels, Klärung der Unterlagen.",
                   ["master_data", "residence"]),
    "debts": ("Schuldnerberatung", "Mietschulden und offene Rechnungen, Ratenzahlung vereinbaren.",
              ["master_data", "finances"]),
    "psych": ("Sozialpsychiatrischer", "Psychische Belastung nach der Flucht, Erstgespräch.",
              ["master_data", "health"]),
    "housing": ("Wohnungsbau", "Wohnungssuche mit Wohnberechtigungsschein.", ["master_data", "family"]),
    "kita": ("Kita", "Kita-Platz für das jüngste Kind.", ["master_data", "family"]),
    "youth_office": ("Jugendamt", "Unterstützung der Familie, Hilfen zur Erziehung.", ["master_data", "family"]),
    "school": ("schule", "Schulische Integration, Gespräch mit der Schulsozialarbeit.",
               ["master_data", "education"]),
    "volunteers": ("Ehrenamt", "Patenschaft zum Deutschlernen und für Behördengänge.", ["master_data"]),
    "health": ("Gesundheitsamt", "Impfberatung und Schuleingangsuntersuchung.", ["master_data", "health"]),
}

CHANNELS = {"mbe": {"office_hour": 35, "phone": 20, "referral": 20, "email": 8, "appointment": 7, "messenger": 5,
                    "outreach": 5},
            "jmd": {"office_hour": 25, "messenger": 25, "referral": 25, "phone": 10, "appointment": 10,
                    "outreach": 5},
            "sim": {"outreach": 45, "referral": 25, "office_hour": 20, "phone": 10}}
REFERRED_BY = ["Jobcenter Landkreis Lindenau", "Ausländerbehörde", "Integrationskursträger", "Jugendamt",
               "Bekannte / Landsleute", "Schulsozialarbeit"]
CONCERNS = {"mbe": ["Fragen zum Jobcenter-Bescheid", "Suche nach einem Integrationskurs",
                    "Anerkennung des Berufsabschlusses", "Familiennachzug", "Wohnungssuche",
                    "Verlängerung des Aufenthaltstitels", "Arbeitssuche"],
            "jmd": ["Ausbildungsplatz gesucht", "Schulabschluss nachholen", "Jugendintegrationskurs",
                    "Streit in der Familie", "Bewerbung für ein Praktikum"],
            "sim": ["Hilfe bei Anträgen nach dem AsylbLG", "Schulprobleme der Kinder", "Arzttermine",
                    "Perspektive Aufenthalt", "Wohnungssuche"]}
REFERRED_TO = ["Jugendmigrationsdienst Caritas Lindenau", "Schuldnerberatung Diakonie Lindenau",
               "Ausländerbehörde Landratsamt Lindenau", "Rückkehrberatung Landkreis Lindenau",
               "Sozialamt (Grundsicherung)"]


# ---- helpers ------------------------------------------------------------------------------------------------

def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _sample_weighted(rng: random.Random, weights: dict, count: int) -> list:
    """``count`` distinct keys, drawn by weight without replacement."""
    remaining = dict(weights)
    chosen = []
    while remaining and len(chosen) < count:
        key = _weighted(rng, remaining)
        chosen.append(key)
        remaining.pop(key)
    return chosen


def _name(entry) -> tuple[str, str]:
    return entry if isinstance(entry, tuple) else (entry, "")


@dataclass
class Course:
    """The course of one case as day offsets from today (negative: in the past)."""

    opened: int
    phases: list  # [(offset, phase)], only what already happened
    cm: bool
    closed: int | None = None
    reason: str = ""
    pauses: list = field(default_factory=list)  # [(start, end or None while still paused)]
    closure: int | None = None  # the (first) closure, also when the case was reopened since
    reopened: int | None = None
    assessment: int | None = None
    planning: int | None = None

    def active_on(self, offset: int) -> bool:
        if offset < self.opened or offset > -1:
            return False
        if self.closed is not None and offset > self.closed:
            return False
        if self.closure is not None and self.reopened is not None and self.closure < offset < self.reopened:
            return False
        return not any(start < offset and (end is None or offset < end) for start, end in self.pauses)

    @property
    def end(self) -> int:
        return self.closed if self.closed is not None else -1


@dataclass
class Client:
    """A main client with the people around them, as the generator keeps them until everything is saved."""

    person: object
    programme: str
    nationality: str
    language: str
    path: str
    spouse: object | None = None
    children: list = field(default_factory=list)
    co_counselled: list = field(default_factory=list)  # persons co-counselled in the case
    situations: dict = field(default_factory=dict)  # person id() → [(offset, values)]
    statuses: dict = field(default_factory=dict)  # person id() → [ResidenceStatus]
    entry: int = 0
    case: object | None = None
    course: Course | None = None
    answers: dict = field(default_factory=dict)
    override_reason: str = ""
    owner: object | None = None
    closure: object | None = None
    pending_children: list = field(default_factory=list)  # (child, school type) until the family's records exist

    def situation_on(self, person, offset: int) -> dict:
        chosen = {}
        for recorded, values in self.situations.get(id(person), []):
            if recorded <= offset:
                chosen = values
        return chosen


class _Seeder:
    def __init__(self, *, today: date, world: dict):
        from lotse.codelists.models import Code
        from lotse.intake.eligibility import rules_in_force
        from lotse.people.models import ResidenceStatusType

        self.rng = random.Random(SEED)
        self.today = today
        self.world = world
        self.file_numbers = iter(demo_file_numbers())
        codes = Code.objects.filter(code_list__slug__in=["sex", "nationality"]).select_related("code_list")
        self.codes = {(code.code_list.slug, code.code): code for code in codes}
        self.status_types = {status.code: status for status in ResidenceStatusType.objects.all()}
        self.rules = rules_in_force(today, ["mbe", "jmd", "sim"])
        # the fixed SIM names are taken, so no generated client gets the same name
        self.used_names: set[tuple[str, str]] = {
            (family, given) for family, *_rest, adults, children in SIM_FAMILIES for given, *_ in adults + children}
        self.used_names |= {(family, given) for family, given, *_rest in SIM_SINGLES}
        self.created_at: dict[int, datetime] = {}  # id(object) → when it was "really" recorded
        self.rows: dict[str, list] = {}
        self.links: dict[str, list] = {}  # through rows as (object, object) pairs, saved after their ends
        self.clients: list[Client] = []
        self.extra: dict[str, int] = {}  # rows written at once (topics, partners), for the summary

    # -- small tools ------------------------------------------------------------------------------------------
    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def moment(self, offset: int, hour: int = 10, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime.combine(self.day(offset), time(hour, minute)))

    def workday(self, offset: int, low: int, high: int) -> int:
        """The offset moved off a weekend, staying within [low, high] (kept as is if it cannot move)."""
        weekday = self.day(offset).weekday()
        for candidate in ((offset - 1, offset + 2) if weekday == 5 else (offset + 1, offset - 2)
                          if weekday == 6 else ()):
            if low <= candidate <= high:
                return candidate
        return offset

    def add(self, key: str, obj, created: datetime | None = None):
        self.rows.setdefault(key, []).append(obj)
        if created is not None:
            self.created_at[id(obj)] = created
        return obj

    def link(self, key: str, left, right) -> None:
        self.links.setdefault(key, []).append((left, right))

    def code(self, slug: str, value: str):
        return self.codes.get((slug, value))

    # -- persons ----------------------------------------------------------------------------------------------
    def unique_name(self, pool: Pool, sex: str, family: tuple[str, str] | None = None) -> tuple:
        rng = self.rng
        for _attempt in range(50):
            given = _name(rng.choice(pool.male if sex == "m" else pool.female))
            fam = family or _name(rng.choice(pool.family))
            if (fam[0], given[0]) not in self.used_names:
                break
        self.used_names.add((fam[0], given[0]))
        return given, fam

    def person(self, *, team, family: tuple[str, str], given: tuple[str, str], sex: str, born: date,
               nationality: str, entry: int | None, address: str = "", birth_precision: str = "exact",
               profession: str = "", school: str = "", created: int = -1):
        from lotse.people.matching import normalize_name
        from lotse.people.models import Person

        original = f"{given[1]} {family[1]}" if given[1] and family[1] else ""
        person = Person(
            file_number=next(self.file_numbers), organisation_id=team.organisation_id, team=team,
            family_name=family[0], given_names=given[0], name_original_script=original, birth_date=born,
            birth_date_precision=birth_precision, sex=self.code("sex", sex),
            entry_date=self.day(entry) if entry is not None else None,
            entry_date_precision="exact" if entry is not None else "unknown", address=address,
            profession=profession, school_qualification=school, created_by=self.world["owners"][team.pk][0])
        person.search_name = " ".join(dict.fromkeys(
            normalize_name(form) for form in (person.display_name, original) if form))[:1000]
        self.add("person", person, self.moment(created, 9))
        nationality_code = self.code("nationality", nationality)
        if nationality_code is not None:
            self.link("nationality", person, nationality_code)
        return person

    def born(self, age: int, *, spread: int = 330) -> date:
        """A birth date ``age`` years (and some days) ago, counted in days so nothing depends on the day."""
        return self.day(-round(age * 365.25) - self.rng.randint(15, spread))

    def status(self, client: Client, person, code: str, start: int, until: int | None, paragraph: str = "",
               document: str = ""):
        from lotse.people.models import ResidenceStatus

        status = ResidenceStatus(person=person, status_type=self.status_types[code], paragraph=paragraph,
                                 valid_from=self.day(min(start, -1)),
                                 valid_until=self.day(until) if until is not None else None, document=document)
        self.add("status", status, self.moment(min(start, -1), 11))
        client.statuses.setdefault(id(person), []).append(status)
        return status

    def status_path(self, client: Client, person, path: str, entry: int) -> None:
        """The residence-status history from entry up to today for one person."""
        rng = self.rng
        eat = "elektronischer Aufenthaltstitel (eAT)"
        if path in ("refugee", "settled", "asylum", "admission") or path.startswith("duldung") or path in (
                "training_toleration", "beschaeftigungsduldung", "25b"):
            decided = entry + rng.randint(150, 540)
            if path == "asylum" or decided > -1:
                self.status(client, person, "aufenthaltsgestattung", entry, rng.randint(30, 180), "§ 55 AsylG",
                            "Bescheinigung über die Aufenthaltsgestattung")
                return
            if path == "admission":
                self.status(client, person, "aufenthaltserlaubnis", entry, entry + 3 * 365, "§ 22 S. 2 AufenthG",
                            eat)
                return
            self.status(client, person, "aufenthaltsgestattung", entry, decided - 1, "§ 55 AsylG",
                        "Bescheinigung über die Aufenthaltsgestattung")
            if path in ("refugee", "settled"):
                until = decided + 3 * 365
                paragraph = rng.choice(["§ 25 Abs. 2 S. 1 Alt. 1 AufenthG", "§ 25 Abs. 2 S. 1 Alt. 2 AufenthG"])
                self.status(client, person, "aufenthaltserlaubnis", decided, until, paragraph, eat)
                if until < -1:
                    if path == "settled":
                        self.status(client, person, "niederlassungserlaubnis", until + 1, None,
                                    "§ 26 Abs. 3 AufenthG", eat)
                    else:
                        self.status(client, person, "aufenthaltserlaubnis", until + 1, until + 1 + 2 * 365,
                                    "§ 25 Abs. 2 AufenthG", eat)
                return
            self.status(client, person, "duldung", decided, rng.randint(20, 170), "§ 60a Abs. 2 S. 1 AufenthG",
                        "Duldungsbescheinigung, zuletzt verlängert")
            return
        if path == "family":
            self.status(client, person, "visum", entry - rng.randint(30, 90), entry - 1, "§ 6 Abs. 3 AufenthG",
                        "Visum zum Familiennachzug")
            self.status(client, person, "aufenthaltserlaubnis", entry, entry + 3 * 365,
                        rng.choice(["§ 30 AufenthG", "§ 36a AufenthG"]), eat)
        elif path == "temporary_protection":
            self.status(client, person, "vorubergehender_schutz", entry + rng.randint(7, 40), rng.randint(90, 470),
                        "§ 24 AufenthG", eat)
        elif path == "skilled":
            self.status(client, person, "visum", entry - 60, entry - 1, "§ 6 Abs. 3 AufenthG", "Visum (Fachkraft)")
            self.status(client, person, "aufenthaltserlaubnis", entry, entry + 4 * 365, "§ 18a AufenthG", eat)
        elif path == "eu":
            self.status(client, person, "unionsbuerger", entry, None, "§ 2 FreizügG/EU", "Personalausweis")
        elif path == "aussiedler":
            self.status(client, person, "spaetaussiedler", entry, None, "§ 4 BVFG", "Registrierschein")

    def situation(self, client: Client, person, offset: int, values: dict) -> None:
        history = client.situations.setdefault(id(person), [])
        if history and history[-1][0] >= offset:
            return
        history.append((offset, values))

    # -- situations -------------------------------------------------------------------------------------------
    def adult_start(self, path: str, years_here: float) -> dict:
        rng = self.rng
        if path == "asylum":
            accommodation = _weighted(rng, {"shared": 6, "follow_up": 3, "with_relatives": 1})
            livelihood = "asylblg"
            labour = _weighted(rng, {"no_permit": 5, "unemployed": 4, "marginal": 1})
        else:
            if path == "temporary_protection":
                accommodation = _weighted(rng, {"own_flat": 55, "with_relatives": 30, "shared": 15})
            elif path == "eu":
                accommodation = _weighted(rng, {"own_flat": 70, "with_relatives": 20, "homeless": 10})
            elif path == "aussiedler":
                accommodation = _weighted(rng, {"own_flat": 60, "with_relatives": 30, "shared": 10})
            elif years_here < 2:
                accommodation = _weighted(rng, {"follow_up": 40, "own_flat": 40, "shared": 20})
            else:
                accommodation = _weighted(rng, {"own_flat": 88, "municipal_emergency": 6, "with_relatives": 6})
            if path == "eu":
                livelihood = _weighted(rng, {"own_income": 50, "family": 20, "sgb2": 20, "other": 10})
            else:
                livelihood = _weighted(rng, {"sgb2": 62, "own_income": 20, "family": 10, "sgb3": 5, "sgb12": 3})
            labour = {"own_income": _weighted(rng, {"employed": 7, "self_employed": 1, "marginal": 2}),
                      "family": _weighted(rng, {"not_available": 7, "marginal": 3}),
                      "sgb3": "unemployed",
                      "sgb12": "not_available"}.get(livelihood) or _weighted(
                rng, {"unemployed": 50, "measure": 15, "marginal": 15, "not_available": 20})
        if path in ("eu",):
            course = _weighted(rng, {"not_applicable": 5, "entitled": 3, "attending": 2})
        elif path == "asylum":
            course = _weighted(rng, {"not_applicable": 6, "entitled": 2, "attending": 2})
        elif years_here >= 4:
            course = _weighted(rng, {"completed_b1": 4, "completed_below_b1": 4, "not_applicable": 2})
        else:
            course = _weighted(rng, {"entitled": 2, "obliged": 3, "registered": 2, "attending": 3})
        education = "language_course" if course == "attending" else _weighted(
            rng, {"none": 80, "vocational_school": 8, "university": 6, "language_course": 6})
        participation = _weighted(rng, {"little": 50, "contacts": 40, "active": 10})
        return {"accommodation": accommodation, "livelihood": livelihood, "labour_market": labour,
                "education": education, "integration_course": course, "participation": participation}

    def evolve(self, values: dict) -> dict:
        """A later record: the course goes on, some find work, some move into their own flat."""
        rng = self.rng
        new = dict(values)
        course = values["integration_course"]
        if course in ("entitled", "obliged"):
            new["integration_course"] = _weighted(rng, {"registered": 3, "attending": 7})
        elif course == "registered":
            new["integration_course"] = "attending"
        elif course == "attending":
            new["integration_course"] = _weighted(rng, {"completed_b1": 45, "completed_below_b1": 35,
                                                        "dropped_out": 10, "attending": 10})
        new["education"] = ("language_course" if new["integration_course"] == "attending"
                            else values["education"] if values["education"] != "language_course"
                            else _weighted(rng, {"none": 85, "vocational_school": 15}))
        labour = values["labour_market"]
        new["labour_market"] = {
            "unemployed": _weighted(rng, {"employed": 25, "marginal": 15, "measure": 20, "unemployed": 40}),
            "measure": _weighted(rng, {"employed": 35, "unemployed": 30, "measure": 35}),
            "no_permit": _weighted(rng, {"unemployed": 5, "no_permit": 5}),
            "marginal": _weighted(rng, {"employed": 3, "marginal": 7}),
        }.get(labour, labour)
        if new["labour_market"] in ("employed", "self_employed") and values["livelihood"] in ("sgb2", "sgb3"):
            new["livelihood"] = _weighted(rng, {"own_income": 6, "sgb2": 4})
        accommodation = values["accommodation"]
        if accommodation in ("shared", "follow_up", "with_relatives") and rng.random() < 0.4:
            new["accommodation"] = "own_flat"
        elif accommodation == "homeless" and rng.random() < 0.6:
            new["accommodation"] = "municipal_emergency"
        if values["participation"] == "little" and rng.random() < 0.4:
            new["participation"] = "contacts"
        elif values["participation"] == "contacts" and rng.random() < 0.2:
            new["participation"] = "active"
        return new

    STAGE_AGES = (2, 6, 10, 16)  # day care, primary school, secondary school, vocational school

    def child_values(self, born: date, offset: int, secondary: str, family: dict) -> dict:
        age = (self.day(offset) - born).days / 365.25
        if age < 2:
            education = "not_yet"
        elif age < 6:
            education = "kindergarten"
        elif age < 10:
            education = "primary"
        elif age < 16 or secondary in ("gymnasium", "gesamtschule", "foerderschule"):
            education = secondary
        else:
            education = "vocational_school"
        return {"accommodation": family.get("accommodation", ""), "livelihood": family.get("livelihood", ""),
                "labour_market": "", "education": education, "integration_course": "not_applicable",
                "participation": "contacts" if age >= 6 else ""}

    def child_situations(self, client: Client, child, secondary: str, start: int) -> None:
        """A record at the start of the case, and a new one whenever the child moves on to the next stage
        (day care, school) or the family's record changes (e.g. the move into an own flat)."""
        born_offset = (child.birth_date - self.today).days
        offsets = {start} | {offset for offset, _values in client.situations.get(id(client.person), [])
                             if start < offset <= -1}
        offsets |= {born_offset + round(age * 365.25) for age in self.STAGE_AGES
                    if start < born_offset + round(age * 365.25) <= -1}
        previous = None
        for offset in sorted(offsets):
            values = self.child_values(child.birth_date, offset, secondary,
                                       client.situation_on(client.person, offset))
            if values != previous:
                self.situation(client, child, offset, values)
                previous = values

    # -- courses ----------------------------------------------------------------------------------------------
    def course(self, *, opened: int, cm: bool, pause: bool, short_days: tuple, cm_days: tuple,
               reasons: dict, reopen: bool = False) -> Course:
        rng = self.rng
        phases = [(opened, "clearing")]
        counselling = opened + rng.randint(0, 10)
        phases.append((counselling, "counselling"))
        assessment = planning = None
        if cm:
            assessment = counselling + rng.randint(10, 40)
            planning = assessment + rng.randint(7, 25)
            phases += [(assessment, "assessment"), (planning, "planning"),
                       (planning + rng.randint(7, 21), "monitoring")]
            end = opened + rng.randint(*cm_days)
        else:
            end = opened + rng.randint(*short_days)
        pauses = []
        if pause:
            start = phases[-1][0] + rng.randint(20, 80)
            length = rng.randint(30, 100)
            resume = phases[-1][1]
            phases += [(start, "paused"), (start + length, resume)]
            pauses.append((start, start + length))
            end += length
        end = max(end, phases[-1][0] + 14)
        if cm:
            phases.append((max(phases[-1][0] + 1, end - rng.randint(10, 30)), "evaluation"))
        reason = _weighted(rng, reasons)
        phases.append((end, "closed"))
        reopened = None
        if reopen:
            reopened = end + rng.randint(40, 110)
            phases.append((reopened, "counselling"))
        happened = [(offset, phase) for offset, phase in phases if offset <= -1]
        course = Course(opened=opened, phases=happened, cm=cm,
                        assessment=assessment if assessment is not None and assessment <= -1 else None,
                        planning=planning if planning is not None and planning <= -1 else None)
        course.pauses = [(start, stop if stop <= -1 else None) for start, stop in pauses if start <= -1]
        if end <= -1:
            course.closure, course.reason = end, reason
            if reopened is not None and reopened <= -1:
                course.reopened = reopened
            else:
                course.closed = end
        return course

    def contact_days(self, course: Course, *, intensive: int, gap: tuple) -> list[tuple[int, str]]:
        rng = self.rng
        days = [course.opened]
        offset = course.opened
        for _visit in range(intensive):
            offset += rng.randint(5, 12)
            days.append(offset)
        while offset < course.end:
            offset += rng.randint(*gap)
            days.append(offset)
        if course.closure is not None and rng.random() < 0.7:
            days.append(course.closure)
        if course.reopened is not None:
            days.append(course.reopened)
        planned = [(day, "") for day in sorted(set(days)) if course.active_on(day) or day == course.closure]
        planned = [(day, hint) for day, hint in planned if day <= -1][:24]
        for start, _end in course.pauses:
            if start + 14 <= -1:
                planned.append((start + 14, "not_reached"))
        return sorted(planned)

    # -- the parts of a case ----------------------------------------------------------------------------------
    def case(self, client: Client, ctx: dict, course: Course | None, *, priority: int = 0, waiting_since=None):
        from lotse.cases.models import Case, CaseMember, Closure, ClosureReason, PhaseChange

        rng = self.rng
        owner = client.owner
        counsellors = ctx["counsellors"]
        deputy = rng.choice([c for c in counsellors if c != owner]) if len(counsellors) > 1 and \
            rng.random() < 0.5 else None
        if course is None:  # waiting list
            requested = waiting_since
            case = Case(person=client.person, team=ctx["team"], offering=ctx["offering"], status="waiting",
                        phase="clearing", priority=priority, owner=owner, requested_on=self.day(requested),
                        created_by=owner)
            client.case = self.add("case", case, self.moment(requested, 10))
            return case
        requested = course.opened - rng.choice([0, 0, 0, 1, 3, 7, 14])
        last_offset, last_phase = course.phases[-1]
        closed = course.closed is not None
        case = Case(
            person=client.person, team=ctx["team"], offering=ctx["offering"], status="closed" if closed else "open",
            phase=last_phase, phase_since=self.day(last_offset), priority=priority, owner=owner, deputy=deputy,
            requested_on=self.day(requested), opened_on=self.day(course.opened),
            closed_on=self.day(course.closed) if closed else None,
            time_limit_on=ctx["settings"].time_limit_from(self.day(course.opened)), created_by=owner)
        if ctx["programme"] == "sim":
            moved = [offset for offset, values in client.situations.get(id(client.person), [])
                     if values.get("accommodation") == "own_flat"]
            if moved:
                case.own_flat_since = self.day(moved[0])
        client.case = self.add("case", case, self.moment(requested, 10))
        previous = ""
        for offset, phase in course.phases:
            note = ""
            if phase == "closed":
                note = str(ClosureReason(course.reason).label)
            elif previous == "closed":
                note = "Erneute Anfrage der Klientin / des Klienten"
            self.add("phase", PhaseChange(case=case, from_phase=previous, to_phase=phase,
                                          changed_on=self.day(offset), note=note, changed_by=owner))
            previous = phase
        for member in client.co_counselled:
            since = course.opened if member is client.spouse or ctx["programme"] == "sim" else \
                course.opened + rng.randint(7, 60)
            self.add("member", CaseMember(case=case, person=member, since=self.day(min(since, -1))))
        if course.closure is not None:
            closure = Closure(case=case, closed_on=self.day(course.closure), reason=course.reason,
                              note=CLOSURE_NOTES[course.reason], closed_by=owner,
                              follow_up_on=ctx["settings"].follow_up_from(self.day(course.closure)))
            # drawn in any case: what is drawn later must not depend on the day the demo is loaded
            checked, delay, note = rng.random() < 0.75, rng.randint(0, 20), rng.choice(FOLLOW_UP_NOTES)
            if closure.follow_up_on < self.today and checked:
                done = min((closure.follow_up_on - self.today).days + delay, -1)
                closure.follow_up_done_on = self.day(done)
                closure.follow_up_note = note
            if course.reason == "handed_over":
                closure.handed_over_to = self.partner(ctx, ctx["handover"])
            if course.reopened is not None:
                closure.reopened_on = self.day(course.reopened)
                closure.reopen_reason = "Neue Anfrage: Schreiben der Ausländerbehörde"
            self.add("closure", closure, self.moment(course.closure, 15))
            client.closure = closure
        return case

    def partner(self, ctx: dict, fragment: str):
        for partner in ctx["partners"]:
            if fragment.lower() in partner.name.lower():
                return partner
        return None

    def consents(self, client: Client, offset: int) -> None:
        from lotse.consent.models import Consent

        for purpose in ("documentation", "statistics"):
            self.add("consent", Consent(person=client.person, purpose=purpose, given_on=self.day(offset),
                                        form="paper", text_version=settings.LOTSE_CONSENT_TEXT_VERSION,
                                        recorded_by=client.owner))

    def first_contact(self, client: Client | None, ctx: dict, offset: int, *, outcome: str, topics: list,
                      referred_to: str = "") -> None:
        from lotse.intake.models import FirstContact

        rng = self.rng
        channel = _weighted(rng, CHANNELS[ctx["programme"]])
        owner = client.owner if client else rng.choice(ctx["counsellors"])
        first = FirstContact(
            organisation=ctx["team"].organisation, team=ctx["team"], person=client.person if client else None,
            date=self.day(offset), channel=channel,
            referred_by=rng.choice(REFERRED_BY) if channel == "referral" else "",
            concern=rng.choice(CONCERNS[ctx["programme"]]), language=client.language if client else "",
            interpreter=bool(client and client.language not in ("de", "") and rng.random() < 0.3),
            outcome=outcome, referred_to=referred_to, recorded_by=owner)
        self.add("first_contact", first, self.moment(offset, 9 + rng.randint(0, 6)))
        for topic in topics[:2]:
            self.link("first_contact_topic", first, topic)

    def eligibility(self, client: Client, programme: str, offset: int) -> None:
        from lotse.intake.eligibility import PersonFacts, evaluate
        from lotse.intake.models import EligibilityCheck

        rules = self.rules.get(programme, [])
        statuses = [status for status in client.statuses.get(id(client.person), [])
                    if status.valid_from <= self.day(offset)]
        facts = PersonFacts.of(client.person, statuses, client.answers)
        evaluation = evaluate(programme=programme, rules=rules, facts=facts, on=self.day(offset))
        check = EligibilityCheck(person=client.person, programme=programme, evaluated_on=self.day(offset),
                                 result=evaluation.result, explanations=evaluation.explanations,
                                 answers=client.answers, checked_by=client.owner)
        if evaluation.result != "met":
            check.override, check.override_result = True, "met"
            check.override_reason = client.override_reason or \
                "Öffnungsklausel: freie Kapazität, Beratung fachlich angezeigt (mit der Teamleitung abgestimmt)."
            check.overridden_by = client.owner
            check.overridden_at = self.moment(offset, 11)
        self.add("eligibility", check, self.moment(offset, 10, 30))

    def contacts(self, client: Client, ctx: dict, course: Course, *, intensive: int, gap: tuple) -> None:
        from lotse.contacts.models import Contact

        rng = self.rng
        previous = None
        for index, (offset, hint) in enumerate(self.contact_days(course, intensive=intensive, gap=gap)):
            offset = self.workday(offset, course.opened, -1)
            if index == 0:
                kind = _weighted(rng, {"office_hour": 6, "appointment": 4} if ctx["programme"] != "sim"
                                 else {"home_visit": 6, "office_hour": 4})
            elif hint == "not_reached":
                kind = rng.choice(["phone", "messenger"])
            else:
                kind = _weighted(rng, KIND_WEIGHTS[ctx["programme"]])
            outcome = hint or ("not_reached" if kind in REMOTE and rng.random() < 0.08 else "took_place")
            author = client.owner if rng.random() < 0.9 else rng.choice(ctx["counsellors"])
            hour, minute = rng.randint(8, 15), rng.choice([0, 15, 30, 45])
            topics = []
            if outcome == "took_place":
                weights = ctx["topic_weights"](client, offset)
                topics = _sample_weighted(rng, weights, _weighted(rng, {1: 50, 2: 35, 3: 15}))
            occasion_group = TOPIC_OCCASIONS.get(topics[0], "other") if topics else "other"
            interpreter = (outcome == "took_place" and kind in IN_PERSON and client.language in INTERPRETERS
                           and rng.random() < (0.5 if offset - course.opened < 120 else 0.2))
            location = {"office_hour": ctx["office"], "appointment": ctx["office"],
                        "home_visit": client.person.address,
                        "accompaniment": rng.choice(["Jobcenter", "Ausländerbehörde", "Arztpraxis", "Sozialamt"]),
                        "group": ctx["office"]}.get(kind, "")
            contact = Contact(
                case=client.case, occurred_at=self.moment(offset, hour, minute),
                duration_minutes=rng.randint(*DURATIONS[kind]), kind=kind, outcome=outcome, location=location[:200],
                occasion=rng.choice(OCCASIONS[occasion_group]) if outcome == "took_place" else
                "Telefonische Nachfrage, nicht erreicht",
                interpreter_present=interpreter,
                interpreter_name=INTERPRETERS.get(client.language, "") if interpreter else "",
                author=author)
            self.add("contact", contact, self.moment(offset, min(hour + 2, 19), minute))
            for topic in topics:
                self.link("contact_topic", contact, ctx["topics"][topic])
            if outcome == "took_place":
                self.link("contact_person", contact, client.person)
                if kind in IN_PERSON:
                    members = [member for member in client.co_counselled
                               if rng.random() < (0.6 if kind == "home_visit" else 0.35)]
                    for member in members:
                        self.link("contact_person", contact, member)
            if previous is not None and previous.kind == "appointment" and kind == "appointment":
                previous.next_appointment_at = contact.occurred_at
            previous = contact

    def plan(self, client: Client, ctx: dict, course: Course) -> None:
        """Assessment, plan with goals and steps, its versions and the signed agreement of a case in case
        management; goals are evaluated at the closure."""
        from lotse.planning.models import (Assessment, AssessmentItem, Goal, GoalAgreement, LifeDomain, Plan,
                                           PlanVersion, Step)
        from lotse.planning.snapshot import goal_snapshot

        rng = self.rng
        owner = client.owner
        case = client.case
        if course.assessment is not None:
            assessment = self.add("assessment", Assessment(
                case=case, assessed_on=self.day(course.assessment), author=owner,
                note="Ressourcen und Bedarfe mit der Klientin / dem Klienten besprochen."),
                self.moment(course.assessment, 14))
            for domain in LifeDomain.values:
                rating = None if domain == "psychosocial" and rng.random() < 0.3 else rng.randint(1, 5)
                self.add("assessment_item", AssessmentItem(assessment=assessment, domain=domain, rating=rating))
        if course.planning is None:
            return
        categories = self.goal_categories(client, course.planning)
        closed = course.closure is not None and course.reopened is None
        plan = Plan(case=case, review_on=None if closed else self.day(rng.randint(20, 90)), updated_by=owner)
        self.add("plan", plan)
        goals = []
        for position, category in enumerate(categories, start=1):
            domain, words, steps = GOALS[category]
            target = course.planning + rng.randint(90, 365)
            goal = Goal(plan=plan, domain=domain, category=category, client_words=rng.choice(words),
                        target_on=self.day(target), priority=rng.choice([1, 1, 2, 0]), position=position,
                        review_on=None if closed else self.day(rng.randint(14, 120)))
            goal_steps = []
            for step_position, (description, responsible, fragment) in enumerate(steps[:rng.choice([1, 2, 2])],
                                                                                 start=1):
                partner = self.partner(ctx, fragment) if fragment else None
                if responsible == "partner" and partner is None:
                    responsible = "counsellor"
                step = Step(goal=goal, description=description, responsible=responsible,
                            responsible_partner=partner if responsible == "partner" else None,
                            due_on=self.day(course.planning + rng.randint(14, 90)), position=step_position)
                goal_steps.append(step)
            goals.append((goal, goal_steps))
        first = {"review_on": plan.review_on.isoformat() if plan.review_on else None,
                 "goals": [goal_snapshot(goal, steps) for goal, steps in goals]}
        # the first version: everything open
        for entry in first["goals"]:
            entry["status"], entry["status_reason"], entry["review_on"] = "open", "", None
            for step in entry["steps"]:
                step["status"], step["status_reason"] = "open", ""
        self.final_goal_statuses(client, course, goals, closed)
        for goal, steps in goals:
            self.add("goal", goal)
            for step in steps:
                self.add("step", step)
        versions = [PlanVersion(plan=plan, number=1, snapshot=first, change_summary="Integrationsplan erstellt",
                                created_by=owner)]
        self.created_at[id(versions[0])] = self.moment(course.planning, 15)
        changed = any(goal.status != "open" for goal, _steps in goals)
        if changed:
            when = course.closure if closed else (course.planning + course.end) // 2
            when = max(when, course.planning)
            versions.append(PlanVersion(
                plan=plan, number=2,
                snapshot={"review_on": plan.review_on.isoformat() if plan.review_on else None,
                          "goals": [goal_snapshot(goal, steps) for goal, steps in goals]},
                change_summary="Ziele beim Abschluss des Falls bewertet" if closed else "Fortschreibung: Stand der "
                "Ziele aktualisiert", created_by=owner))
            self.created_at[id(versions[1])] = self.moment(when, 16)
        plan.version = len(versions)
        for version in versions:
            self.rows.setdefault("plan_version", []).append(version)
        if rng.random() < 0.85:
            signed = min(course.planning + rng.randint(0, 14), -1)
            agreement = GoalAgreement(case=case, plan_version=versions[0], language=client.language,
                                      created_by=owner)
            if rng.random() < 0.92:
                agreement.signed_on = self.day(signed)
                agreement.signed_by_client = client.person.display_name
                agreement.signed_by_counsellor = owner
                agreement.copy_handed_over = rng.random() < 0.9
            self.add("agreement", agreement, self.moment(course.planning, 15, 30))

    def goal_categories(self, client: Client, offset: int) -> list[str]:
        rng = self.rng
        values = client.situation_on(client.person, offset)
        wanted = []
        if values.get("integration_course") in ("entitled", "obliged", "registered"):
            wanted.append("integration_measures")
        elif values.get("integration_course") in ("attending", "completed_below_b1") or rng.random() < 0.2:
            wanted.append("german")
        if values.get("labour_market") in ("unemployed", "measure", "marginal", "no_permit"):
            wanted.append("labour_market")
        statuses = client.statuses.get(id(client.person), [])
        if statuses and not statuses[-1].status_type.is_secure and rng.random() < 0.6:
            wanted.append("residence")
        ages = [(self.today - child.birth_date).days / 365.25 for child in client.children]
        if any(1 <= age < 6 for age in ages):
            wanted.append("kindergarten")
        if any(6 <= age < 18 for age in ages) and rng.random() < 0.6:
            wanted.append("school")
        if values.get("accommodation") not in ("own_flat", "", None):
            wanted.append("life_management")
        if values.get("livelihood") in ("sgb2", "asylblg") and rng.random() < 0.5:
            wanted.append(rng.choice(["livelihood", "social_benefits"]))
        for category, chance in (("psychosocial", 0.15), ("health_care", 0.12), ("qualification", 0.25),
                                 ("participation", 0.2)):
            if rng.random() < chance:
                wanted.append(category)
        wanted = list(dict.fromkeys(wanted)) or ["social_benefits"]
        return wanted[:rng.choice([2, 3, 3, 4])] if len(wanted) > 1 else wanted + ["participation"]

    def final_goal_statuses(self, client: Client, course: Course, goals: list, closed: bool) -> None:
        rng = self.rng
        for goal, steps in goals:
            if closed:
                weights = {"goals_reached": {"reached": 75, "partly_reached": 25},
                           "counsellor_protection": {"discarded": 1}}.get(
                    course.reason, {"not_reached": 35, "discarded": 30, "partly_reached": 25, "reached": 10})
                goal.status = _weighted(rng, weights)
            elif goal.target_on < self.today:
                goal.status = _weighted(rng, {"reached": 40, "in_progress": 45, "open": 15})
            else:
                goal.status = _weighted(rng, {"in_progress": 55, "open": 35, "reached": 10})
            goal.status_reason = GOAL_REASONS.get(goal.status, "")
            if goal.status not in ("open", "in_progress"):
                goal.review_on = None
            for index, step in enumerate(steps):
                if goal.status == "reached":
                    step.status = "done"
                elif goal.status == "partly_reached":
                    step.status = "done" if index == 0 else "discarded"
                elif goal.status in ("not_reached", "discarded"):
                    step.status = "discarded"
                elif goal.status == "in_progress":
                    step.status = "done" if index == 0 and step.due_on < self.today else "in_progress"
                else:
                    step.status = "open"
                if step.status == "discarded":
                    step.status_reason = GOAL_REASONS["discarded"]

    def indicators(self, client: Client, course: Course) -> dict:
        """The six closure indicators, consistent with the goals and the life situation at closure."""
        rng = self.rng
        goals = [goal for goal in self.rows.get("goal", []) if goal.plan.case is client.case]
        reached = [goal.status for goal in goals]

        def share(statuses):
            if not statuses:
                return "n/a"
            if all(status == "reached" for status in statuses):
                return "yes"
            return "partly" if any(status in ("reached", "partly_reached") for status in statuses) else "no"

        residence = [goal.status for goal in goals if goal.category == "residence"]
        values = client.situation_on(client.person, course.closure)
        work = {"employed": "yes", "self_employed": "yes", "marginal": "partly", "not_available": "n/a",
                "retired": "n/a", "in_education": "n/a", "vocational_training": "partly"}.get(
            values.get("labour_market"), "no")
        school = {"completed_b1": "yes", "completed_below_b1": "partly", "not_applicable": "n/a", "": "n/a"}.get(
            values.get("integration_course", ""), "no")
        if course.reason == "counsellor_protection":
            fewer = "n/a"
        elif course.reason == "goals_reached":
            fewer = "yes" if rng.random() < 0.6 else "partly"
        else:
            fewer = _weighted(rng, {"partly": 4, "no": 5, "n/a": 1})
        goals_reached = share(reached) if goals else ("yes" if course.reason == "goals_reached" else
                                                      rng.choice(["partly", "no"]))
        return {"residence_secured": share(residence), "plan_implemented": share(reached) if goals else "n/a",
                "goals_reached": goals_reached, "fewer_problem_areas": fewer, "livelihood_by_work": work,
                "course_completed": school}

    def referrals(self, client: Client, ctx: dict, course: Course, kinds: list[str]) -> None:
        from lotse.consent.models import Disclosure, Release
        from lotse.referrals.models import Referral, ReferralStatusChange

        rng = self.rng
        owner = client.owner
        for kind in kinds:
            fragment, reason, categories = REFERRALS[kind]
            partner = self.partner(ctx, fragment)
            start, stop = course.opened + 7, course.end - 3
            if partner is None or stop <= start:
                continue
            sent = rng.randint(start, stop)
            person = client.person
            release = Release(person=person, recipient=partner, categories=categories + ["case"],
                              purpose=reason[:500], valid_until=self.day(sent + rng.randint(365, 730)),
                              text_version=settings.LOTSE_CONSENT_TEXT_VERSION,
                              given_on=self.day(sent - rng.randint(0, 5)), form="paper", recorded_by=owner)
            self.add("release", release, self.moment(sent - 1, 12))
            referral = Referral(case=client.case, person=person, partner=partner, reason=reason,
                                categories=categories, sent_on=self.day(sent), created_by=owner)
            self.add("disclosure", Disclosure(person=person, recipient=partner, categories=categories,
                                              purpose=reason[:200], allowed=True, release=release,
                                              decided_by=owner))
            changes = [("sent", "", "", "sent", sent)]
            status, day = "sent", sent
            if rng.random() < 0.06 and sent + 10 <= -1:
                day = sent + rng.randint(3, 10)
                referral.withdrawn_on = self.day(day)
                changes.append(("withdrawn", "", status, "withdrawn", day))
                status = "withdrawn"
            else:
                if rng.random() < 0.75 and sent + 10 <= -1:
                    day = sent + rng.randint(2, 10)
                    referral.accepted_on = self.day(day)
                    changes.append(("accepted", "", status, "accepted", day))
                    status = "accepted"
                if rng.random() < 0.7:
                    appointment = day + rng.randint(5, 25)
                    referral.appointment_on = self.day(appointment)
                    changes.append(("appointment", self.day(appointment).isoformat(), status, "appointment", day))
                    status, day = "appointment", min(max(day, appointment), appointment)
                if day <= -2 and (status != "sent" or rng.random() < 0.5):
                    outcome = _weighted(rng, {"took_place": 62, "no_show": 14, "rejected": 9, "completed": 15})
                    outcome_day = min(day + rng.randint(0, 5), -1) if status == "appointment" else \
                        min(day + rng.randint(5, 30), -1)
                    referral.outcome, referral.outcome_on = outcome, self.day(outcome_day)
                    if outcome == "rejected":
                        referral.rejection_reason = "Kein freier Platz, Warteliste geschlossen."
                    closing = outcome in ("no_show", "rejected")
                    new_status = "closed" if closing else "outcome"
                    changes.append(("outcome", outcome, status, new_status, outcome_day))
                    status = new_status
                    if not closing:
                        due = outcome_day + 7 * ctx["settings"].whereabouts_check_weeks
                        referral.whereabouts_due_on = self.day(due)
                        if due <= -2 and rng.random() < 0.8:
                            checked = min(due + rng.randint(0, 10), -1)
                            whereabouts = _weighted(rng, {"stayed": 70, "left": 20, "unknown": 10})
                            referral.whereabouts, referral.whereabouts_checked_on = whereabouts, self.day(checked)
                            changes.append(("whereabouts", whereabouts, status, "closed", checked))
                            status = "closed"
            referral.status = status
            self.add("referral", referral, self.moment(sent, 11))
            for step, value, before, after, on in changes:
                self.add("referral_change", ReferralStatusChange(referral=referral, step=step, value=value,
                                                                 from_status=before, to_status=after,
                                                                 on=self.day(on), changed_by=owner))


def _world() -> dict | None:
    """The demo organisations, offerings, teams and counsellors of :mod:`lotse.core.demo`; None if missing."""
    from django.contrib.auth.hashers import make_password

    from lotse.accounts.models import User
    from lotse.core.demo import DEMO_PASSWORD, OFFERINGS, ORGANISATIONS, TEAMS
    from lotse.organisations.models import Membership, Organisation, ProgrammeOffering, Team

    organisations = {spec["key"]: Organisation.objects.filter(name=spec["name"]).first() for spec in ORGANISATIONS}
    if not all(organisations.values()):
        return None
    teams = {spec["key"]: Team.objects.filter(organisation=organisations[spec["organisation"]],
                                              name=spec["name"]).first() for spec in TEAMS}
    offerings = {spec["programme"]: ProgrammeOffering.objects.filter(
        organisation=organisations[spec["organisation"]], name=spec["name"]).first() for spec in OFFERINGS}
    if not all(teams.values()) or not all(offerings.values()):
        return None
    created_users = 0
    password = None
    for spec in STATISTICS_USERS:
        user, new = User.objects.get_or_create(
            username=spec["username"],
            defaults={"first_name": spec["first_name"], "last_name": spec["last_name"],
                      "email": f"{spec['username']}@demo.lotse.invalid"})
        if new:
            password = password or make_password(DEMO_PASSWORD)  # hashing is slow on purpose: once is enough
            user.password = password
            user.save(update_fields=["password"])
            created_users += 1
        for org_key, team_key, role in spec["roles"]:
            Membership.objects.get_or_create(user=user, organisation=organisations[org_key], team=teams[team_key],
                                             role=role)
    counsellors = {}
    for key in ("mbe", "jmd", "sim"):
        users = list(User.objects.filter(memberships__team=teams[key], memberships__role=Role.COUNSELLOR,
                                         memberships__is_active=True).order_by("pk").distinct())
        if not users:
            return None
        counsellors[key] = users
    return {"organisations": organisations, "teams": teams, "offerings": offerings, "counsellors": counsellors,
            "owners": {teams[key].pk: users for key, users in counsellors.items()}, "created_users": created_users}


def _jmd_topics(seeder: _Seeder, organisation) -> dict:
    """The association's own JMD topic catalogue (there is no shared one for the JMD)."""
    from lotse.intake.models import Topic

    topics = {}
    for order, (code, label) in enumerate(JMD_TOPICS):
        topic, new = Topic.objects.get_or_create(code=code, defaults={
            "programme": "jmd", "organisation": organisation, "label": label, "sort_order": order * 10})
        topics[code] = topic
        seeder.extra["topic"] = seeder.extra.get("topic", 0) + new
    return topics


def _municipal_partners(seeder: _Seeder, organisation) -> list:
    from lotse.network.models import Partner

    for name, partner_type, contact in MUNICIPAL_PARTNERS:
        _partner, new = Partner.objects.get_or_create(organisation=organisation, name=name, defaults={
            "partner_type": partner_type, "contact": contact, "city": "Haanfeld"})
        seeder.extra["partner"] = seeder.extra.get("partner", 0) + new
    return list(Partner.objects.filter(organisation=organisation, is_active=True).order_by("name", "pk"))


@transaction.atomic
def seed_statistics_demo() -> dict[str, int]:
    """Add the statistics demo (see the module docstring); returns the number of created rows per kind, or an
    empty dict when there was nothing to do."""
    from lotse.audit.models import Category
    from lotse.audit.services import audit_record
    from lotse.people.models import Person

    if Person.objects.filter(file_number__in=demo_file_numbers()).exists():
        return {}
    world = _world()
    if world is None:
        return {}
    seeder = _Seeder(today=timezone.localdate(), world=world)
    with translation.override(settings.LANGUAGE_CODE):
        _seed_mbe(seeder)
        _seed_jmd(seeder)
        _seed_sim(seeder)
    counts = _save(seeder)
    counts.update(seeder.extra, users=world["created_users"])
    audit_record(actor=None, actor_label="seed_statistics_demo", action="demo.seeded", category=Category.WRITE,
                 details={"statistics": counts})
    return counts


# ---- the three teams ---------------------------------------------------------------------------------------

def _context(seeder: _Seeder, key: str, programme: str) -> dict:
    from lotse.intake.models import Topic
    from lotse.network.models import Partner
    from lotse.organisations.programme_settings import programme_settings

    world = seeder.world
    team, offering = world["teams"][key], world["offerings"][programme]
    organisation = team.organisation
    if programme == "jmd":
        topics = _jmd_topics(seeder, organisation)
    else:
        topics = {topic.code: topic for topic in Topic.objects.filter(programme=programme, is_active=True)}
    partners = (_municipal_partners(seeder, organisation) if programme == "sim" else
                list(Partner.objects.filter(organisation=organisation, is_active=True).order_by("name", "pk")))
    weights = {"mbe": MBE_TOPIC_WEIGHTS, "jmd": JMD_TOPIC_WEIGHTS, "sim": SIM_TOPIC_WEIGHTS}[programme]
    weights = {code: weight for code, weight in weights.items() if code in topics}
    return {"programme": programme, "team": team, "offering": offering, "counsellors": world["counsellors"][key],
            "settings": programme_settings(offering), "topics": topics, "partners": partners,
            "base_weights": weights,
            "office": {"mbe": "Caritas-Haus, Beratungsraum 1.04", "jmd": "Jugendmigrationsdienst, Kirchplatz 1",
                       "sim": "Rathaus Haanfeld, Zimmer 014"}[programme],
            "handover": {"mbe": "Jugendmigrationsdienst", "jmd": "Jugendamt",
                         "sim": "Allgemeiner Sozialer Dienst"}[programme]}


def _opened(seeder: _Seeder, index: int, total: int, *, latest: int = 3) -> int:
    """The opening day of the ``index``-th of ``total`` cases: spread evenly over the window (each in its own
    slice, so every month gets its share), a few more of them recently (the service has grown)."""
    share = (total - index - 1 + seeder.rng.random()) / total
    return -latest - int((WINDOW_DAYS - latest) * share ** 1.1)


MBE_REASONS_CM = {"goals_reached": 45, "ended_by_client": 13, "moved_away": 10, "no_cooperation": 9,
                  "handed_over": 10}
MBE_REASONS_SHORT = {"goals_reached": 55, "ended_by_client": 20, "moved_away": 10, "handed_over": 8,
                     "no_cooperation": 5}


def _mbe_topic_weights(base: dict, client: Client) -> dict:
    weights = dict(base)
    nationality, path = client.nationality, client.path
    if nationality in ("475", "224", "438"):
        weights["mbe-family-reunification"] = weights.get("mbe-family-reunification", 0) * 3
    if path in ("asylum", "temporary_protection"):
        weights["mbe-residence-law"] = weights.get("mbe-residence-law", 0) * 2
    if nationality in ("166", "160"):
        weights["mbe-education"] = weights.get("mbe-education", 0) * 1.5
        weights["mbe-labour"] = weights.get("mbe-labour", 0) * 1.3
    if path == "eu":
        for code in ("mbe-social-benefits", "mbe-labour", "mbe-housing"):
            weights[code] = weights.get(code, 0) * 1.5
    return {code: weight for code, weight in weights.items() if weight}


def _seed_mbe(seeder: _Seeder) -> None:
    rng = seeder.rng
    ctx = _context(seeder, "mbe", "mbe")
    ctx["topic_weights"] = lambda client, offset: _mbe_topic_weights(ctx["base_weights"], client)
    team = ctx["team"]
    counsellors = ctx["counsellors"]
    nationalities = [code for code, count in MBE_NATIONALITIES for _n in range(count)]
    rng.shuffle(nationalities)
    crisis_left, young_left, late_left = 6, 3, 4
    for index, nationality in enumerate(nationalities):
        pool = POOLS[nationality]
        waiting = index >= len(nationalities) - MBE_WAITING
        path = _weighted(rng, dict(MBE_PATHS[nationality]))
        sex = "w" if rng.random() < 0.55 else "m"
        opened = -rng.randint(3, 40) if waiting else _opened(seeder, index, len(nationalities) - MBE_WAITING)
        age = rng.randint(28, 62)
        if young_left and not waiting and rng.random() < 0.08:
            age, young_left = rng.randint(25, 27), young_left - 1
        answers = {"integration_course_obligation": False}
        override = ""
        if path == "settled":
            entry = opened - rng.randint(8 * 365, 11 * 365)
            answers["crisis"] = True
        elif path == "aussiedler":
            entry = opened - rng.randint(30, 500)
        elif crisis_left and rng.random() < 0.1 and path in ("refugee", "eu"):
            entry = opened - rng.randint(5 * 365, 8 * 365)
            answers["crisis"] = True
            crisis_left -= 1
        elif late_left and rng.random() < 0.08 and path in ("refugee", "family", "temporary_protection"):
            entry = opened - rng.randint(int(3.3 * 365), 5 * 365)
            answers["crisis"] = False
            late_left -= 1
            override = "Öffnungsklausel: Einreise liegt länger als drei Jahre zurück, aber die Ehefrau / der " \
                       "Ehemann wird bereits bei uns beraten; gemeinsame Beratung der Familie."
        else:
            entry = opened - rng.randint(45, 900)
        if age < 28:
            override = "Unter 28 Jahre, aber Elternteil mit eigener Familie; der JMD hat an uns verwiesen."
        given, family = seeder.unique_name(pool, sex)
        if nationality == "160" and path == "refugee":
            given, family = seeder.unique_name(Pool(RUSSIAN_MALE, RUSSIAN_FEMALE, [
                ("Smirnov", "Смирнов") if sex == "m" else ("Smirnova", "Смирнова"),
                ("Volkov", "Волков") if sex == "m" else ("Volkova", "Волкова")], "ru"), sex)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}, 88045 Lindenau"
        born = seeder.born(age)
        precision = "exact"
        if nationality == "423" and rng.random() < 0.6:
            born, precision = date(born.year, 1, 1), "year"
        person = seeder.person(team=team, family=family, given=given, sex=sex, born=born, nationality=nationality,
                               entry=min(entry, -1), address=street, birth_precision=precision,
                               profession=rng.choice(PROFESSIONS) if rng.random() < 0.6 else "",
                               school=rng.choice(SCHOOL) if rng.random() < 0.5 else "", created=opened - 1)
        owner = counsellors[index % len(counsellors)] if rng.random() < 0.85 else rng.choice(counsellors)
        client = Client(person=person, programme="mbe", nationality=nationality, language=pool.language, path=path,
                        entry=entry, answers=answers, override_reason=override, owner=owner)
        seeder.status_path(client, person, path, entry)
        years_here = (opened - entry) / 365
        start = seeder.adult_start(path, years_here)
        if start["integration_course"] == "obliged":
            answers["integration_course_obligation"] = True
        seeder.situation(client, person, opened, start)
        # a household with a spouse (co-counselled) and children for about a third
        if not waiting and rng.random() < 0.38:
            spouse_sex = "m" if sex == "w" else "w"
            spouse_given, _family = seeder.unique_name(pool, spouse_sex, family=family)
            spouse_entry = min(entry + rng.choice([0, 0, 0, 120, 400]), opened - 10)
            spouse = seeder.person(team=team, family=family, given=spouse_given, sex=spouse_sex,
                                   born=seeder.born(max(age + rng.randint(-6, 6), 24)), nationality=nationality,
                                   entry=spouse_entry, address=street, created=opened + 5)
            client.spouse = spouse
            seeder.status_path(client, spouse, path, spouse_entry)
            spouse_start = seeder.adult_start(path, years_here)
            spouse_start["accommodation"], spouse_start["livelihood"] = start["accommodation"], start["livelihood"]
            seeder.situation(client, spouse, opened, spouse_start)
            if rng.random() < 0.75:
                client.co_counselled.append(spouse)
            for _child in range(_weighted(rng, {0: 2, 1: 3, 2: 3, 3: 2})):
                child_sex = rng.choice(["m", "w"])
                child_given, _family = seeder.unique_name(pool, child_sex, family=family)
                child_age = rng.randint(0, min(17, max(age - 20, 0)))
                born_child = seeder.born(child_age)
                child_entry = min(max(entry, (born_child - seeder.today).days), -1)
                child = seeder.person(team=team, family=family, given=child_given, sex=child_sex,
                                      born=born_child, nationality=nationality, entry=child_entry, address=street,
                                      created=opened + 5)
                client.children.append(child)
                seeder.status_path(client, child, path, child_entry)
                client.pending_children.append(
                    (child, rng.choice(["realschule", "gesamtschule", "gymnasium", "hauptschule"])))
        seeder.clients.append(client)
        _household(seeder, client, team, street, entry)
        priority = 2 if answers.get("crisis") and rng.random() < 0.4 else 1 if answers[
            "integration_course_obligation"] else 0
        if waiting:
            for child, school in client.pending_children:
                seeder.child_situations(client, child, school, opened)
            seeder.case(client, ctx, None, priority=priority, waiting_since=opened)
            seeder.first_contact(client, ctx, opened, outcome="waiting_list",
                                 topics=[ctx["topics"][code] for code in _sample_weighted(
                                     rng, ctx["topic_weights"](client, opened), 2)])
            seeder.eligibility(client, "mbe", opened)
            continue
        cm = rng.random() < 0.5
        course = seeder.course(opened=opened, cm=cm, pause=rng.random() < 0.12, short_days=(60, 400),
                               cm_days=(240, 760), reasons=MBE_REASONS_CM if cm else MBE_REASONS_SHORT,
                               reopen=rng.random() < 0.05)
        _later_situations(seeder, client, course)
        for child, school in client.pending_children:
            seeder.child_situations(client, child, school, opened)
        _casework(seeder, client, ctx, course, priority=priority, intensive=2 if cm else 1,
                  gap=(28, 75) if cm else (14, 50), referral_kinds=_mbe_referral_kinds(seeder, client, opened))
    _protection_case(seeder)
    _anonymous_first_contacts(seeder, ctx, 24)


def _mbe_referral_kinds(seeder: _Seeder, client: Client, opened: int) -> list[str]:
    rng = seeder.rng
    values = client.situation_on(client.person, opened)
    kinds = []
    if values.get("integration_course") in ("entitled", "obliged", "registered") and rng.random() < 0.6:
        kinds.append("course")
    if values.get("labour_market") in ("unemployed", "measure") and rng.random() < 0.45:
        kinds.append("job_centre")
    for kind, chance in (("foreigners", 0.1), ("debts", 0.07), ("psych", 0.05), ("housing", 0.08),
                         ("volunteers", 0.05)):
        if rng.random() < chance:
            kinds.append(kind)
    if any((seeder.today - child.birth_date).days < 6 * 365 for child in client.children) and rng.random() < 0.4:
        kinds.append("kita")
    return kinds


def _protection_case(seeder: _Seeder) -> None:
    """One closure for the counsellor's own protection: rare, but it belongs in the statistics."""
    candidates = [client for client in seeder.clients if client.programme == "mbe" and client.course is not None
                  and client.course.closed is not None and client.course.reason == "no_cooperation"]
    if candidates:
        client = candidates[0]
        client.course.reason = "counsellor_protection"
        client.closure.reason = "counsellor_protection"
        client.closure.note = CLOSURE_NOTES["counsellor_protection"]
        client.closure.indicators = seeder.indicators(client, client.course)
        from lotse.cases.models import ClosureReason

        for change in seeder.rows["phase"]:
            if change.case is client.case and change.to_phase == "closed":
                change.note = str(ClosureReason("counsellor_protection").label)


def _anonymous_first_contacts(seeder: _Seeder, ctx: dict, count: int) -> None:
    """First contacts without a case in the last five months: answered at once or pointed elsewhere
    (anonymous ones are kept for six months by the default retention rule)."""
    rng = seeder.rng
    for _contact in range(count):
        referred = rng.random() < 0.4
        topics = [ctx["topics"][code] for code in _sample_weighted(rng, ctx["base_weights"], rng.choice([1, 1, 2]))]
        seeder.first_contact(None, ctx, -rng.randint(1, 150), outcome="referred" if referred else "answered",
                             topics=topics, referred_to=rng.choice(REFERRED_TO) if referred else "")


def _household(seeder: _Seeder, client: Client, team, address: str, entry: int) -> None:
    from lotse.people.models import Household, HouseholdMember, Relationship

    if client.spouse is None and not client.children:
        return
    household = seeder.add("household", Household(organisation_id=team.organisation_id, team=team,
                                                  name=f"Familie {client.person.family_name}", address=address))
    since = seeder.day(min(max(entry, -WINDOW_DAYS - 400), -1))
    parents = [client.person] + ([client.spouse] if client.spouse else [])
    for member in parents + client.children:
        seeder.add("household_member", HouseholdMember(household=household, person=member, since=since))
    if client.spouse is not None:
        seeder.add("relationship", Relationship(person=client.person, relative=client.spouse, kind="partner"))
    for parent in parents:
        for child in client.children:
            seeder.add("relationship", Relationship(person=parent, relative=child, kind="parent"))
    for older, younger in zip(client.children, client.children[1:]):
        seeder.add("relationship", Relationship(person=older, relative=younger, kind="sibling"))


def _later_situations(seeder: _Seeder, client: Client, course: Course) -> None:
    """About half of the adults get a second record later in the case (history)."""
    rng = seeder.rng
    for person, chance in ((client.person, 0.55), (client.spouse, 0.3)):
        if person is None or rng.random() >= chance:
            continue
        history = client.situations.get(id(person), [])
        if not history:
            continue
        low, high = history[-1][0] + 45, min(course.end, -1)
        if low > high:
            continue
        seeder.situation(client, person, rng.randint(low, high), seeder.evolve(history[-1][1]))


def _casework(seeder: _Seeder, client: Client, ctx: dict, course: Course, *, priority: int, intensive: int,
              gap: tuple, referral_kinds: list[str]) -> None:
    rng = seeder.rng
    client.course = course
    seeder.consents(client, course.opened)
    seeder.case(client, ctx, course, priority=priority)
    topics = [ctx["topics"][code] for code in _sample_weighted(rng, ctx["topic_weights"](client, course.opened), 2)]
    seeder.first_contact(client, ctx, course.opened - rng.choice([0, 0, 1, 2, 5]), outcome="case_opened",
                         topics=topics)
    seeder.eligibility(client, ctx["programme"], course.opened)
    seeder.contacts(client, ctx, course, intensive=intensive, gap=gap)
    seeder.plan(client, ctx, course)
    seeder.referrals(client, ctx, course, referral_kinds)
    if course.closure is not None:
        client.closure.indicators = seeder.indicators(client, course)


def _seed_jmd(seeder: _Seeder) -> None:
    rng = seeder.rng
    ctx = _context(seeder, "jmd", "jmd")
    ctx["topic_weights"] = lambda client, offset: ctx["base_weights"]
    team = ctx["team"]
    nationalities = [code for code, count in JMD_NATIONALITIES for _n in range(count)]
    rng.shuffle(nationalities)
    for index, nationality in enumerate(nationalities):
        pool = POOLS[nationality]
        sex = "m" if rng.random() < 0.6 else "w"
        opened = _opened(seeder, index, len(nationalities))
        age_now = rng.randint(15, 27) if index else 28  # one who has just grown out of the JMD
        age_at_opening = age_now + opened / 365
        unaccompanied = age_at_opening < 18 and rng.random() < 0.4
        path = {"166": "temporary_protection", "163": "asylum", "261": "training_toleration"}.get(
            nationality, _weighted(rng, {"refugee": 3, "asylum": 1, "family": 1}))
        within_two_years = rng.random() < 0.5
        entry = opened - (rng.randint(30, 700) if within_two_years else rng.randint(760, 5 * 365))
        given, family = seeder.unique_name(pool, sex)
        address = ("Jugendwohngruppe St. Martin, Kirchplatz 3, 88045 Lindenau" if unaccompanied
                   else f"{rng.choice(STREETS)} {rng.randint(1, 60)}, 88045 Lindenau")
        person = seeder.person(team=team, family=family, given=given, sex=sex, born=seeder.born(age_now),
                               nationality=nationality, entry=min(entry, -1), address=address,
                               school=rng.choice(SCHOOL[1:4]) if rng.random() < 0.5 else "", created=opened - 1)
        client = Client(person=person, programme="jmd", nationality=nationality, language=pool.language,
                        path=path, entry=entry, owner=ctx["counsellors"][0], answers={})
        if age_at_opening > 27:
            client.override_reason = "Seit zwei Jahren im JMD begleitet; Übergang in die MBE nach der Ausbildung."
        if path == "training_toleration":
            seeder.status(client, person, "aufenthaltsgestattung", entry, entry + 300, "§ 55 AsylG",
                          "Bescheinigung über die Aufenthaltsgestattung")
            seeder.status(client, person, "ausbildungsduldung", entry + 301, rng.randint(200, 700),
                          "§ 60c AufenthG", "Duldungsbescheinigung (Ausbildungsduldung)")
        else:
            seeder.status_path(client, person, path, entry)
        if age_at_opening < 18:
            education = rng.choice(["realschule", "gesamtschule", "vocational_school", "hauptschule"])
        else:
            education = _weighted(rng, {"vocational_school": 4, "language_course": 4, "none": 2, "university": 1})
        labour = ("in_education" if education not in ("none", "language_course") else
                  _weighted(rng, {"unemployed": 5, "marginal": 2, "measure": 2, "no_permit": 1}))
        start = {"accommodation": "other" if unaccompanied else _weighted(rng, {"with_relatives": 5, "own_flat": 2,
                                                                                "shared": 3}),
                 "livelihood": "other" if unaccompanied else _weighted(rng, {"family": 5, "sgb2": 3, "asylblg": 2,
                                                                             "student_support": 1}),
                 "labour_market": labour, "education": education,
                 "integration_course": "attending" if education == "language_course" else
                 _weighted(rng, {"not_applicable": 4, "entitled": 2, "completed_b1": 2, "completed_below_b1": 1}),
                 "participation": _weighted(rng, {"little": 3, "contacts": 5, "active": 2})}
        seeder.situation(client, person, opened, start)
        seeder.clients.append(client)
        cm = rng.random() < 0.5
        course = seeder.course(opened=opened, cm=cm, pause=rng.random() < 0.1, short_days=(30, 300),
                               cm_days=(180, 600), reasons=MBE_REASONS_CM if cm else MBE_REASONS_SHORT)
        if rng.random() < 0.5:
            later = seeder.evolve(start)
            if start["education"] in ("realschule", "gesamtschule", "hauptschule") and age_now >= 17:
                later["education"], later["labour_market"] = "vocational_school", "vocational_training"
            low, high = opened + 60, min(course.end, -1)
            if low <= high:
                seeder.situation(client, person, rng.randint(low, high), later)
        kinds = [kind for kind, chance in (("job_centre", 0.3), ("course", 0.25), ("youth_office", 0.12),
                                           ("school", 0.1)) if rng.random() < chance]
        _casework(seeder, client, ctx, course, priority=0, intensive=2 if cm else 1,
                  gap=(21, 60) if cm else (14, 45), referral_kinds=kinds)
    _anonymous_first_contacts(seeder, ctx, 10)


def _sim_family_values(seeder: _Seeder, path: str, accommodation: str, livelihood: str) -> dict:
    rng = seeder.rng
    labour = {"own_income": "employed", "sgb2": _weighted(rng, {"unemployed": 6, "measure": 3, "marginal": 1}),
              "asylblg": _weighted(rng, {"no_permit": 4, "unemployed": 4, "marginal": 2})}.get(livelihood,
                                                                                                 "unemployed")
    course = {"duldung": _weighted(rng, {"not_applicable": 6, "completed_below_b1": 2, "dropped_out": 2}),
              "beschaeftigungsduldung": "completed_below_b1", "25b": "completed_b1",
              "refugee": _weighted(rng, {"attending": 1, "completed_below_b1": 1}),
              "asylum": "not_applicable"}.get(path, "not_applicable")
    return {"accommodation": accommodation, "livelihood": livelihood, "labour_market": labour,
            "education": "language_course" if course == "attending" else "none", "integration_course": course,
            "participation": _weighted(rng, {"little": 5, "contacts": 4, "active": 1})}


def _seed_sim(seeder: _Seeder) -> None:
    rng = seeder.rng
    ctx = _context(seeder, "sim", "sim")
    ctx["topic_weights"] = lambda client, offset: ctx["base_weights"]
    team = ctx["team"]
    owner = ctx["counsellors"][0]
    for index, (family, nationality, path, years, accommodation, livelihood, adults, children) in enumerate(
            SIM_FAMILIES):
        script = SIM_SCRIPTS.get(family, "")
        opened = _opened(seeder, index, len(SIM_FAMILIES), latest=120)  # families are counselled for years
        since = -int(years * 365.25) - rng.randint(30, 200)  # start of the toleration / of the status
        entry = since - rng.randint(300, 900) if path != "asylum" else since
        moved = rng.randint(opened + 30, -40) if accommodation == "own_flat" and opened + 30 < -40 else None
        first_accommodation = "shared" if moved is not None else accommodation
        address = SIM_SHARED_ADDRESS if accommodation == "shared" else \
            f"{rng.choice(['Gartenstraße', 'Bachstraße', 'Am Park'])} {rng.randint(2, 40)}, 42781 Haanfeld"
        changed = {"beschaeftigungsduldung": since + int(rng.uniform(6.5, 8) * 365),
                   "25b": -200 - rng.randint(0, 60)}.get(path)
        persons = []
        for given, sex, age in adults:
            persons.append(seeder.person(team=team, family=(family, script), given=(given, ""), sex=sex,
                                         born=seeder.born(age), nationality=nationality, entry=entry,
                                         address=address, created=opened - 1))
        client = Client(person=persons[0], programme="sim", nationality=nationality,
                        language={"423": "fa", "438": "ar", "475": "ar", "997": "ar", "224": "ti", "163": "tr",
                                  "261": "fr"}.get(nationality, "de"),
                        path=path, entry=entry, owner=owner,
                        answers={"municipal_accommodation": first_accommodation == "shared"})
        if path == "refugee" and not client.answers["municipal_accommodation"]:
            client.override_reason = ("Nach dem Auszug aus der städtischen Unterkunft weiter begleitet "
                                      "(Übergang in die eigene Wohnung).")
        client.spouse = persons[1] if len(persons) > 1 else None
        for adult in persons:
            _sim_statuses(seeder, client, adult, path, entry, since, changed)
            values = _sim_family_values(seeder, path, first_accommodation,
                                        livelihood if path != "25b" else "asylblg")
            seeder.situation(client, adult, opened, values)
            later = dict(values)
            change = None
            if moved is not None:
                later["accommodation"], change = "own_flat", moved
            if path == "25b":  # the § 25b permit, about half a year ago: from AsylbLG to citizen's income
                later["livelihood"], later["labour_market"] = "sgb2", "measure"
                change = max(changed + 30, opened + 1)
            if change is not None and change <= -1:
                seeder.situation(client, adult, change, later)
        for given, sex, age, school in children:
            born = seeder.born(age)
            born_offset = (born - seeder.today).days
            born_here = born_offset > entry
            child = seeder.person(team=team, family=(family, script), given=(given, ""), sex=sex, born=born,
                                  nationality=nationality, entry=None if born_here else entry, address=address,
                                  created=opened - 1)
            client.children.append(child)
            if born_here and born_offset > since:
                _sim_statuses(seeder, client, child, "duldung" if path == "beschaeftigungsduldung" else path,
                              born_offset, born_offset, changed, born_here=True)
            else:
                _sim_statuses(seeder, client, child, "duldung" if path == "beschaeftigungsduldung" else path,
                              born_offset if born_here else entry, since, changed)
            seeder.child_situations(client, child, school or "gesamtschule", opened)
        client.co_counselled = persons[1:] + client.children
        seeder.clients.append(client)
        _household(seeder, client, team, address, entry)
        cm = family not in ("Kidane", "Okafor")
        course = seeder.course(opened=opened, cm=cm, pause=family == "Aydın", short_days=(120, 400),
                               cm_days=(500, 900),
                               reasons={"handed_over": 5, "moved_away": 2, "goals_reached": 3})
        kinds = [kind for kind, chance in (("foreigners", 0.5), ("school", 0.35), ("youth_office", 0.2),
                                           ("course", 0.25), ("health", 0.2), ("debts", 0.1))
                 if rng.random() < chance]
        _casework(seeder, client, ctx, course, priority=0, intensive=2, gap=(21, 50), referral_kinds=kinds)
    for index, (family, given, sex, age, nationality, status, accommodation, livelihood) in enumerate(SIM_SINGLES):
        opened = _opened(seeder, index, len(SIM_SINGLES))
        address = SIM_EMERGENCY_ADDRESS if accommodation == "municipal_emergency" else "ohne festen Wohnsitz"
        entry = None if nationality == "000" else opened - rng.randint(400, 2000)
        person = seeder.person(team=team, family=(family, ""), given=(given, ""), sex=sex, born=seeder.born(age),
                               nationality=nationality, entry=entry, address=address, created=opened - 1)
        client = Client(person=person, programme="sim", nationality=nationality, language="de", path=status,
                        entry=entry or 0, owner=owner,
                        answers={"municipal_accommodation": accommodation == "municipal_emergency",
                                 "homeless_in_municipality": True})
        seeder.status(client, person, status, entry if entry is not None else -age * 365, None,
                      {"deutsch": "", "unionsbuerger": "§ 2 FreizügG/EU"}.get(status, ""),
                      "Personalausweis")
        seeder.situation(client, person, opened, {
            "accommodation": accommodation, "livelihood": livelihood,
            "labour_market": _weighted(rng, {"unemployed": 6, "not_available": 3, "marginal": 1}),
            "education": "none", "integration_course": "not_applicable", "participation": "little"})
        seeder.clients.append(client)
        course = seeder.course(opened=opened, cm=True, pause=False, short_days=(60, 200), cm_days=(200, 500),
                               reasons={"goals_reached": 3, "no_cooperation": 2, "moved_away": 1})
        _casework(seeder, client, ctx, course, priority=2 if accommodation == "homeless" else 0, intensive=3,
                  gap=(14, 40), referral_kinds=["health"] if rng.random() < 0.5 else [])
    _anonymous_first_contacts(seeder, ctx, 6)


def _sim_statuses(seeder: _Seeder, client: Client, person, path: str, entry: int, since: int, changed: int | None,
                  *, born_here: bool = False) -> None:
    """One Duldung record from the start of the toleration until the current certificate expires (the
    renewals are on the certificate), after the asylum procedure; § 25b and employment toleration as later
    statuses. A child born after the toleration began is tolerated from birth."""
    rng = seeder.rng
    if path == "asylum":
        seeder.status(client, person, "aufenthaltsgestattung", since, rng.randint(40, 180), "§ 55 AsylG",
                      "Bescheinigung über die Aufenthaltsgestattung")
        return
    if not born_here:
        entry = min(entry, since - 1)
        seeder.status(client, person, "aufenthaltsgestattung", entry, since - 1, "§ 55 AsylG",
                      "Bescheinigung über die Aufenthaltsgestattung")
    if path == "refugee":
        seeder.status(client, person, "aufenthaltserlaubnis", since, since + 3 * 365 if since + 3 * 365 > 0 else
                      rng.randint(200, 700), "§ 25 Abs. 2 AufenthG", "elektronischer Aufenthaltstitel (eAT)")
        return
    if path == "duldung":
        seeder.status(client, person, "duldung", since, rng.randint(20, 170), "§ 60a Abs. 2 S. 1 AufenthG",
                      "Duldungsbescheinigung, zuletzt verlängert")
        return
    changed = max(changed, since + 1)
    seeder.status(client, person, "duldung", since, changed - 1, "§ 60a Abs. 2 S. 1 AufenthG",
                  "Duldungsbescheinigung")
    if path == "beschaeftigungsduldung":
        seeder.status(client, person, "beschaeftigungsduldung", changed, rng.randint(100, 600), "§ 60d AufenthG",
                      "Duldungsbescheinigung (Beschäftigungsduldung)")
    else:
        seeder.status(client, person, "aufenthaltserlaubnis", changed, changed + 2 * 365, "§ 25b AufenthG",
                      "elektronischer Aufenthaltstitel (eAT)")


# ---- saving -----------------------------------------------------------------------------------------------

SAVE_ORDER = [
    ("person", "people.Person"), ("status", "people.ResidenceStatus"), ("household", "people.Household"),
    ("household_member", "people.HouseholdMember"), ("relationship", "people.Relationship"),
    ("case", "cases.Case"), ("phase", "cases.PhaseChange"), ("member", "cases.CaseMember"),
    ("closure", "cases.Closure"), ("consent", "consent.Consent"), ("first_contact", "intake.FirstContact"),
    ("eligibility", "intake.EligibilityCheck"), ("contact", "contacts.Contact"),
    ("assessment", "planning.Assessment"), ("assessment_item", "planning.AssessmentItem"),
    ("plan", "planning.Plan"), ("goal", "planning.Goal"), ("step", "planning.Step"),
    ("plan_version", "planning.PlanVersion"), ("agreement", "planning.GoalAgreement"),
    ("release", "consent.Release"), ("referral", "referrals.Referral"),
    ("referral_change", "referrals.ReferralStatusChange"), ("disclosure", "consent.Disclosure"),
]
LINKS = {
    "nationality": ("people.Person", "nationalities", "person", "code"),
    "contact_topic": ("contacts.Contact", "topics", "contact", "topic"),
    "contact_person": ("contacts.Contact", "persons_present", "contact", "person"),
    "first_contact_topic": ("intake.FirstContact", "topics", "firstcontact", "topic"),
}
BACKDATED = {"person": ("created_at", "updated_at"), "status": ("created_at",),
             "case": ("created_at", "updated_at"), "closure": ("created_at",), "first_contact": ("created_at",),
             "eligibility": ("created_at",), "contact": ("created_at", "updated_at"), "assessment": ("created_at",),
             "plan_version": ("created_at",), "agreement": ("created_at",),
             "referral": ("created_at", "updated_at"), "release": ("recorded_at",),
             "life_situation": ("created_at",)}


def _life_situation_rows(seeder: _Seeder) -> None:
    """The recorded situations as rows, each superseded by the next record of the same person."""
    from lotse.people.models import LifeSituation

    for client in seeder.clients:
        persons = [client.person] + ([client.spouse] if client.spouse else []) + client.children
        for person in persons:
            history = client.situations.get(id(person), [])
            for index, (offset, values) in enumerate(history):
                superseded = history[index + 1][0] if index + 1 < len(history) else None
                situation = LifeSituation(
                    person=person, recorded_on=seeder.day(offset),
                    superseded_on=seeder.day(superseded) if superseded is not None else None,
                    recorded_by=client.owner, **{key: value or "" for key, value in values.items()})
                seeder.add("life_situation", situation, seeder.moment(offset, 13))


def _backdate(model, rows: list, fields: tuple, created_at: dict) -> None:
    """Set the record timestamps to when the demo says things were recorded (``auto_now_add`` wrote "now").

    One parametrised UPDATE run for all rows (``bulk_update`` builds a large CASE expression, too slow here)."""
    from django.db import connection

    if not fields:
        return
    params = []
    for row in rows:
        when = created_at.get(id(row))
        if when is not None:
            params.append([model._meta.get_field(name).get_db_prep_value(when, connection) for name in fields]
                          + [row.pk])
    if not params:
        return
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s",
                           params)


def _save(seeder: _Seeder) -> dict[str, int]:
    from django.apps import apps

    from lotse.people.models import PersonNameKey
    from lotse.people.services import PREFIX_KEY

    from lotse.people.matching import name_keys, normalize_name

    _life_situation_rows(seeder)
    order = SAVE_ORDER[:1] + [("life_situation", "people.LifeSituation")] + SAVE_ORDER[1:]
    counts: dict[str, int] = {}
    for key, label in order:
        rows = seeder.rows.get(key, [])
        if not rows:
            continue
        model = apps.get_model(label)
        model.objects.bulk_create(rows, batch_size=500)
        counts[key] = len(rows)
        _backdate(model, rows, BACKDATED.get(key, ()), seeder.created_at)
        if key == "person":
            keys = []
            for person in rows:
                found: set[str] = set()
                for form in (person.display_name, person.name_original_script):
                    if form:
                        found |= name_keys(form)
                        found |= {PREFIX_KEY + token[:20] for token in normalize_name(form).split() if token}
                keys += [PersonNameKey(person_id=person.pk, team_id=person.team_id, key=key_[:40])
                         for key_ in sorted({entry[:40] for entry in found})]
            PersonNameKey.objects.bulk_create(keys, batch_size=1000)
    for key, (label, attribute, left, right) in LINKS.items():
        pairs = seeder.links.get(key, [])
        if not pairs:
            continue
        through = getattr(apps.get_model(label), attribute).through
        unique = list(dict.fromkeys((a.pk, b.pk) for a, b in pairs))
        through.objects.bulk_create([through(**{f"{left}_id": a, f"{right}_id": b}) for a, b in unique],
                                    batch_size=1000)
        counts[key] = len(unique)
    return counts
