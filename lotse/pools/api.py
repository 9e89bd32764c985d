from ninja import Router

router = Router(tags=["Sprachmittler und Ehrenamt"])
