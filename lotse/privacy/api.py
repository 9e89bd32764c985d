"""Art. 15 export through the API: the token's user must be allowed to see the person; the export is audited.

Re-authentication cannot be asked of a token; the token's own protections (expiry, revocation, bound to an
active user) and the access policy stand in for it.
"""

import json
from uuid import UUID

from ninja import Router

from lotse.privacy import selectors, services

router = Router(tags=["Betroffenenrechte"])


@router.get("/persons/{public_id}/export", response=dict,
            summary="Auskunft nach Art. 15 DSGVO: alle Daten der Person (JSON)")
def person_export(request, public_id: UUID):
    person = selectors.person_get(actor=request.user, public_id=public_id)
    files = services.person_export(actor=request.user, person=person, formats=("json",), channel="api")
    return json.loads(files["json"].content)
