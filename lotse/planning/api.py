from ninja import Router

router = Router(tags=["Assessment und Integrationsplan"])
