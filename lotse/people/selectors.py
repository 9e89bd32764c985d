"""Every read of persons and households: scoped by the access policy, audited."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lotse.access import policy
from lotse.access.policy import Action
from lotse.audit.services import audit_read, audit_read_many
from lotse.core.pagination import keyset_page
from lotse.people.matching import (
    match_reasons, name_similarity, normalize_name, query_compound_keys, query_token_keys,
)
from lotse.people.models import (
    DuplicateDismissal, Household, HouseholdMember, Person, PersonName, PersonNameKey, Relationship, ResidenceStatus,
)
from lotse.people.services import PREFIX_KEY

SEARCH_PAGE_SIZE = 25
MAX_CANDIDATES = 400
FILE_NUMBER = re.compile(r"^L-?([2-9A-HJ-NP-Z]{4})-?([2-9A-HJ-NP-Z]{4})$", re.I)
YEAR = re.compile(r"^(19|20)\d\d$")

# The reason codes of lotse.people.matching.match_reasons, as the counsellor reads them.
REASON_LABELS = {
    "exact": lambda: _("same spelling"),
    "transliteration": lambda: _("other transliteration"),
    "name_variant": lambda: _("variant of the same name"),
    "token_order": lambda: _("name parts in another order"),
    "extra_tokens": lambda: _("further name parts"),
    "compound": lambda: _("written together or apart"),
    "script": lambda: _("original script"),
}


def reason_label(code: str) -> str:
    if code.startswith("fuzzy:"):
        return _("similar spelling (%(percent)d %%)") % {"percent": round(float(code[6:]) * 100)}
    label = REASON_LABELS.get(code)
    return label() if label else code


def _persons(actor, action: Action = Action.VIEW):
    return policy.scope(actor, Person.objects.select_related("team", "sex"), action)


def person_get(*, actor, public_id, action: Action = Action.VIEW) -> Person:
    queryset = _persons(actor, action).select_related(
        "organisation", "birth_country", "marital_status", "preferred_language",
    ).prefetch_related("nationalities", "other_names", "languages__language")
    person = policy.get_or_404(actor, queryset, action=action, public_id=public_id)
    if action is Action.VIEW:
        audit_read(actor=actor, obj=person, organisation=person.organisation)
    return person


def person_list(*, actor):
    return _persons(actor)


LIST_ORDERING = ("family_name", "given_names", "pk")


def person_page(*, actor, cursor: str | None):
    """One page of the persons the actor may see, alphabetically; the ids shown are audited."""
    page = keyset_page(_persons(actor), ordering=LIST_ORDERING, cursor=cursor)
    audit_read_many(actor=actor, objects=page.items, object_type="people.person", action="person.listed")
    return page


def current_residence_status(statuses, on: date | None = None):
    """The status valid on ``on`` (today); if none is valid, the most recent one."""
    on = on or timezone.localdate()
    ordered = sorted(statuses, key=lambda s: (s.valid_from, s.pk), reverse=True)
    for status in ordered:
        if status.valid_from <= on and (status.valid_until is None or status.valid_until >= on):
            return status
    return ordered[0] if ordered else None


def residence_history(*, actor, person: Person):
    return policy.scope(actor, ResidenceStatus.objects.select_related("status_type")).filter(person=person)


@dataclass
class Hit:
    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_name: str = ""


@dataclass
class SearchResult:
    hits: list[Hit]
    next_cursor: str | None
    total: int


def _name_forms(person: Person) -> list[str]:
    forms = [person.display_name, person.name_original_script]
    forms += [other.full_name for other in getattr(person, "prefetched_names", [])]
    return [form for form in forms if form]


def _best_form(query: str, person: Person) -> tuple[float, str]:
    return max(((name_similarity(query, form), form) for form in _name_forms(person)), default=(0.0, ""))


def _prefixes_match(prefixes: list[str], person: Person) -> bool:
    """Every typed word is the beginning of a word of one of the person's name forms."""
    for form in _name_forms(person):
        words = normalize_name(form).split()
        if all(any(word.startswith(prefix) for word in words) for prefix in prefixes):
            return True
    return False


def _coverage(teams: set[int], name_query: str, *, prefixes: bool) -> tuple[dict[int, set[int]], int]:
    """For each person in the teams, which tokens of the query their name keys cover; and the token count.

    A token counts as covered by a key of its own, by a compound key of it and its neighbour, or
    (with ``prefixes``) when it is the beginning of one of the person's name words.
    """
    token_keys = query_token_keys(name_query)
    if not token_keys:
        return {}, 0
    compound = query_compound_keys(name_query)
    words = [token[:20] for token in normalize_name(name_query).split()] if prefixes else []
    condition = Q(key__in=set().union(*token_keys, compound))
    for word in words:
        if len(word) >= 2:
            condition |= Q(key__startswith=PREFIX_KEY + word)
    rows = PersonNameKey.objects.filter(condition, team_id__in=teams).values_list("person_id", "key")
    covered: dict[int, set[int]] = {}
    for person_id, key in rows:  # within the user's teams: a few thousand rows at most, fetched at once
        tokens = covered.setdefault(person_id, set())
        if key in compound:
            tokens.update(compound[key])
        for index, keys in enumerate(token_keys):
            word = words[index] if index < len(words) else ""
            if key in keys or (len(word) >= 2 and key.startswith(PREFIX_KEY + word)):
                tokens.add(index)
    return covered, len(token_keys)


def _candidate_ids(teams: set[int], name_query: str, *, minimum: int | None = None,
                   prefixes: bool = True) -> list[int]:
    """Persons covering every token of the query, or at least ``minimum`` of them."""
    covered, count = _coverage(teams, name_query, prefixes=prefixes)
    needed = count if minimum is None else min(minimum, count)
    return [person_id for person_id, tokens in covered.items() if len(tokens) >= needed][:MAX_CANDIDATES * 5]


TYPO_SIMILARITY = 0.45
TYPO_SCORE_CUTOFF = 82


def _typo_hits(persons, name_query: str, years: list[int]) -> list[Hit]:
    """Second chance for typing errors the name keys do not bridge ("Mohamemd").

    PostgreSQL answers from the pg_trgm index; SQLite compares with rapidfuzz within the user's
    teams, which is the same decision on the same (small) scope.
    """
    normalized = normalize_name(name_query)
    if len(normalized) < 4:
        return []
    if years:
        persons = persons.filter(birth_date__year__in=years)
    label = _("similar spelling (typing error?)")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        found = (persons.filter(search_name__trigram_word_similar=normalized)
                 .annotate(similarity=TrigramWordSimilarity(normalized, "search_name"))
                 .filter(similarity__gte=TYPO_SIMILARITY).order_by("-similarity")[:SEARCH_PAGE_SIZE])
        return [Hit(person, round(person.similarity * 0.8, 3), [label]) for person in found
                if _typing_error_only(normalized, person.search_name)]
    from rapidfuzz import fuzz, process

    names = dict(persons.values_list("pk", "search_name")[:20000])
    matches = process.extract(normalized, names, scorer=fuzz.token_set_ratio, score_cutoff=TYPO_SCORE_CUTOFF,
                              limit=SEARCH_PAGE_SIZE)
    by_pk = persons.in_bulk([pk for _, _, pk in matches])
    return [Hit(by_pk[pk], round(score / 125, 3), [label]) for _, score, pk in matches
            if pk in by_pk and _typing_error_only(normalized, names[pk])]


def _typing_error_only(query: str, search_name: str) -> bool:
    """Every typed word is at most a slip away (one edit, two for long words) from a word of the name.

    Keeps the fallback from offering different names that merely look alike (Hussein/Hassan).
    """
    from rapidfuzz.distance import OSA

    words = search_name.split()
    return all(any(OSA.distance(typed, word) <= (1 if len(typed) <= 5 else 2) for word in words)
               for typed in query.split())


def person_search(*, actor, query: str, cursor: str | None = None, page_size: int = SEARCH_PAGE_SIZE) -> SearchResult:
    """One field for everything: any name form in any script or spelling, birth year, file number."""
    teams = policy.client_team_ids(actor)
    query = " ".join((query or "").split())[:200]
    if not teams or not query:
        return SearchResult([], None, 0)
    persons = _persons(actor).prefetch_related("nationalities", Prefetch(
        "other_names", queryset=PersonName.objects.all(), to_attr="prefetched_names"))
    words = query.split()
    years = [int(word) for word in words if YEAR.match(word)]
    name_query = " ".join(word for word in words if not YEAR.match(word))
    file_number = FILE_NUMBER.match(query.replace(" ", ""))
    hits: list[Hit] = []
    if file_number:
        number = f"L-{file_number.group(1).upper()}-{file_number.group(2).upper()}"
        hits = [Hit(person, 1.0, [_("file number")]) for person in persons.filter(file_number=number)]
    elif name_query:
        candidates = persons.filter(pk__in=_candidate_ids(teams, name_query))
        if years:
            candidates = candidates.filter(birth_date__year__in=years)
        prefixes = normalize_name(name_query).split()
        for person in candidates[:MAX_CANDIDATES]:
            score, form = _best_form(name_query, person)
            reasons = [reason_label(code) for code in match_reasons(name_query, form)]
            if not reasons:
                if not _prefixes_match(prefixes, person):
                    continue
                reasons = [_("beginning of the name")]
                score = max(score, 0.5)
            if years:
                reasons.append(_("year of birth"))
            hits.append(Hit(person, score, reasons, form))
    if name_query and not hits and not file_number:
        hits = _typo_hits(persons, name_query, years)
    if not name_query and years and not file_number:
        hits = [Hit(person, 0.5, [_("year of birth")])
                for person in persons.filter(birth_date__year__in=years)[:MAX_CANDIDATES]]
    hits.sort(key=lambda hit: (-hit.score, hit.person.family_name, hit.person.given_names, hit.person.pk))
    start = 0
    if cursor:
        start = next((i + 1 for i, hit in enumerate(hits) if str(hit.person.public_id) == cursor), 0)
    page = hits[start:start + page_size]
    next_cursor = str(page[-1].person.public_id) if start + page_size < len(hits) and page else None
    audit_read_many(actor=actor, objects=[hit.person for hit in page], object_type="people.person",
                    action="person.searched", details={"query": query})
    return SearchResult(page, next_cursor, len(hits))


@dataclass
class DuplicateCandidate:
    person: Person
    score: float
    reasons: list[str]


def duplicate_candidates(*, actor, family_name: str, given_names: str = "", name_original_script: str = "",
                         birth_date: date | None = None, nationality_codes=(), exclude: Person | None = None,
                         limit: int = 10) -> list[DuplicateCandidate]:
    """Likely duplicates among the persons the actor may see, each with the reasons."""
    teams = policy.client_team_ids(actor)
    forms = [form for form in (f"{given_names} {family_name}".strip(), name_original_script) if form.strip()]
    if not teams or not forms:
        return []
    ids = set()
    for form in forms:
        ids.update(_candidate_ids(teams, form, minimum=2, prefixes=False))
    if not ids:
        return []
    candidates = _persons(actor).filter(pk__in=ids).prefetch_related(
        "nationalities", Prefetch("other_names", queryset=PersonName.objects.all(), to_attr="prefetched_names"))
    if exclude is not None:
        dismissed = DuplicateDismissal.objects.filter(Q(person_low=exclude) | Q(person_high=exclude))
        candidates = candidates.exclude(pk=exclude.pk).exclude(
            pk__in=dismissed.values("person_low")).exclude(pk__in=dismissed.values("person_high"))
    wanted_nationalities = set(nationality_codes)
    candidates = list(candidates[:MAX_CANDIDATES])
    family = _family_links(exclude, candidates) if exclude is not None else set()
    result = []
    for person in candidates:
        best, best_pair = 0.0, ("", "")
        for form in forms:
            for other in _name_forms(person):
                score = name_similarity(form, other)
                if score > best:
                    best, best_pair = score, (form, other)
        codes = match_reasons(*best_pair)
        if not codes:
            continue
        reasons = [_("Name: %(reason)s") % {"reason": ", ".join(reason_label(code) for code in codes)}]
        score = best
        if birth_date and person.birth_date:
            if person.birth_date == birth_date:
                reasons.append(_("same date of birth"))
                score += 0.3
            elif person.birth_date.year == birth_date.year:
                reasons.append(_("same year of birth"))
                score += 0.1
            else:
                score -= 0.3
        shared = wanted_nationalities & {code.code for code in person.nationalities.all()}
        if shared:
            reasons.append(_("same nationality"))
            score += 0.1
        if person.pk in family:
            reasons.append(_("recorded in the same family or household"))
            score += 0.2
        result.append(DuplicateCandidate(person, round(score, 3), reasons))
    result.sort(key=lambda c: (-c.score, c.person.pk))
    shown = result[:limit]
    if shown:
        audit_read_many(actor=actor, objects=[c.person for c in shown], object_type="people.person",
                        action="person.duplicate_check")
    return shown


def _family_links(person: Person, candidates: list[Person]) -> set[int]:
    """Candidates that share a relative or the current household with ``person`` (two queries)."""
    ids = [candidate.pk for candidate in candidates]
    if not ids:
        return set()
    involved = [person.pk, *ids]
    relatives: dict[int, set[int]] = {}
    for a, b in Relationship.objects.filter(Q(person_id__in=involved) | Q(relative_id__in=involved)).values_list(
            "person_id", "relative_id"):
        relatives.setdefault(a, set()).add(b)
        relatives.setdefault(b, set()).add(a)
    households = dict(HouseholdMember.objects.filter(person_id__in=involved, until__isnull=True).values_list(
        "person_id", "household_id"))
    own_relatives, own_household = relatives.get(person.pk, set()), households.get(person.pk)
    return {pk for pk in ids
            if relatives.get(pk, set()) & own_relatives
            or (own_household is not None and households.get(pk) == own_household)}


def merge_preview(*, survivor: Person, duplicate: Person) -> dict:
    """What a merge would move, for the counsellor to check before confirming."""
    return {
        "names": PersonName.objects.filter(person=duplicate).count() + (
            1 if duplicate.display_name != survivor.display_name else 0),
        "residence_statuses": ResidenceStatus.objects.filter(person=duplicate).count(),
        "languages": duplicate.languages.count(),
        "nationalities": duplicate.nationalities.count(),
        "relations": Relationship.objects.filter(Q(person=duplicate) | Q(relative=duplicate)).count(),
        "households": HouseholdMember.objects.filter(person=duplicate).count(),
        "fills": [str(Person._meta.get_field(name).verbose_name)
                  for name in ("birth_date", "birth_place", "phone", "email", "address", "entry_date",
                               "name_original_script")
                  if not getattr(survivor, name) and getattr(duplicate, name)],
    }


def household_get(*, actor, public_id) -> Household:
    household = policy.get_or_404(actor, Household.objects.select_related("team", "organisation"),
                                  public_id=public_id)
    audit_read(actor=actor, obj=household, organisation=household.organisation)
    return household


def household_list(*, actor):
    return policy.scope(actor, Household.objects.all())


def household_members(*, actor, household: Household, current_only: bool = False):
    members = HouseholdMember.objects.filter(household=household, person__in=_persons(actor)).select_related(
        "person", "person__sex").order_by("until", "since", "person__family_name")
    return members.filter(until__isnull=True) if current_only else members


def current_household(*, person: Person):
    membership = HouseholdMember.objects.filter(person=person, until__isnull=True).select_related("household").first()
    return membership.household if membership else None


def household_history(*, person: Person):
    return HouseholdMember.objects.filter(person=person).select_related("household").order_by("-since")


def family_of(*, actor, persons, depth: int = 2) -> tuple[list[Person], list[Relationship]]:
    """The persons' relatives up to ``depth`` steps, within the actor's scope, and the relations between them.

    One query per step, however large the family.
    """
    visible = _persons(actor)
    known = {person.pk for person in persons}
    frontier = set(known)
    relations: dict[int, Relationship] = {}
    for _step in range(depth):
        found = Relationship.objects.filter(Q(person_id__in=frontier) | Q(relative_id__in=frontier)).filter(
            person__in=visible, relative__in=visible)
        frontier = set()
        for relation in found:
            relations[relation.pk] = relation
            for pk in (relation.person_id, relation.relative_id):
                if pk not in known:
                    known.add(pk)
                    frontier.add(pk)
        if not frontier:
            break
    people = list(visible.filter(pk__in=known))
    return people, list(relations.values())


def residence_status_types(*, actor):
    """The catalogue; reference data, readable by everyone who works with clients or administers."""
    from lotse.people.models import ResidenceStatusType

    return ResidenceStatusType.objects.all()


# ---- life situation (Lebenslage) ----------------------------------------------------------------------

def life_situation_history(*, actor, person: Person):
    """Every recorded situation of the person, newest first (one query)."""
    from lotse.people.models import LifeSituation

    return policy.scope(actor, LifeSituation.objects.select_related("recorded_by")).filter(
        person=person).order_by("-recorded_on", "-pk")


def life_situation_valid_on(records, on: date | None = None):
    """The record valid on ``on`` (today) among already loaded ``records``, or None."""
    on = on or timezone.localdate()
    for record in sorted(records, key=lambda r: (r.recorded_on, r.pk), reverse=True):
        if record.recorded_on <= on and (record.superseded_on is None or record.superseded_on > on):
            return record
    return None


def life_situation_current(*, actor, person: Person, on: date | None = None):
    """The situation valid on ``on`` (today): recorded on or before it and not yet superseded."""
    on = on or timezone.localdate()
    return life_situation_history(actor=actor, person=person).filter(recorded_on__lte=on).filter(
        Q(superseded_on__isnull=True) | Q(superseded_on__gt=on)).first()
