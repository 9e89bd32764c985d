"""The family page's genogram: the household's members, their relatives and the relations between them."""

from lotse.people import selectors

SEX_SYMBOL = {"m": "m", "w": "f"}


def genogram_for(*, actor, household, current_members) -> tuple[str, list[str]]:
    from lotse.people.genogram import GenogramPerson, GenogramRelation, genogram_text, render_genogram

    in_household = {member.person_id for member in current_members}
    people, relations = selectors.family_of(actor=actor, persons=[m.person for m in current_members], depth=2)
    nodes = [
        GenogramPerson(
            key=str(person.public_id), label=person.display_name, sex=SEX_SYMBOL.get(person.sex.code if person.sex else "", "x"),
            birth_year=person.birth_date.year if person.birth_date else None, deceased=person.is_deceased,
            in_household=person.pk in in_household,
        )
        for person in people
    ]
    by_pk = {person.pk: str(person.public_id) for person in people}
    edges = list({(r.person_id, r.relative_id, r.kind): GenogramRelation(a=by_pk[r.person_id], b=by_pk[r.relative_id],
                                                                          kind=r.kind)
                  for r in relations if r.person_id in by_pk and r.relative_id in by_pk}.values())
    return render_genogram(nodes, edges, title=household.name), genogram_text(nodes, edges)
