from django.urls import path

from lotse.intake import views

app_name = "intake"

urlpatterns = [
    path("erstkontakte/", views.first_contact_list, name="first_contact_list"),
    path("erstkontakte/neu/", views.first_contact_create, name="first_contact_create"),
    path("erstkontakte/<uuid:public_id>/", views.first_contact_detail, name="first_contact_detail"),
    path("erstkontakte/<uuid:public_id>/person/", views.first_contact_link_person, name="first_contact_link_person"),
    path("personen/<uuid:public_id>/anspruch/", views.person_eligibility, name="person_eligibility"),
    path("personen/<uuid:public_id>/anspruch/<slug:programme>/antworten/", views.eligibility_answers,
         name="eligibility_answers"),
    path("personen/<uuid:public_id>/anspruch/<slug:programme>/entscheidung/", views.eligibility_override,
         name="eligibility_override"),
]
