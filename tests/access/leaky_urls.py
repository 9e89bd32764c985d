"""The project's URLs plus one view that forgets the access policy: the walker must catch it."""

from django.http import JsonResponse
from django.urls import path

from lotse.organisations.models import Team
from lotse.urls import urlpatterns as project_patterns


def leaky_team(request, public_id):
    team = Team.objects.get(public_id=public_id)
    return JsonResponse({"name": team.name})


urlpatterns = [
    *project_patterns,
    path("leck/<uuid:public_id>/", leaky_team, name="leaky_team"),
]
