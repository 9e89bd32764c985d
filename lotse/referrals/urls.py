from django.urls import path

from lotse.referrals import views

app_name = "referrals"

urlpatterns = [
    path("faelle/<uuid:public_id>/vermittlungen/", views.referral_list, name="referral_list"),
    path("faelle/<uuid:public_id>/vermittlungen/neu/", views.referral_create, name="referral_create"),
    path("vermittlungen/auswertung/", views.partner_figures, name="partner_figures"),
    path("vermittlungen/<uuid:public_id>/", views.referral_detail, name="referral_detail"),
    path("vermittlungen/<uuid:public_id>/rueckmeldung/", views.referral_accepted, name="referral_accepted"),
    path("vermittlungen/<uuid:public_id>/termin/", views.referral_appointment, name="referral_appointment"),
    path("vermittlungen/<uuid:public_id>/ergebnis/", views.referral_outcome, name="referral_outcome"),
    path("vermittlungen/<uuid:public_id>/verbleib/", views.referral_whereabouts, name="referral_whereabouts"),
    path("vermittlungen/<uuid:public_id>/zurueckgezogen/", views.referral_withdrawn,
         name="referral_withdrawn"),
    path("vermittlungen/<uuid:public_id>/brief-klient/", views.referral_letter_client,
         name="referral_letter_client"),
    path("vermittlungen/<uuid:public_id>/brief-partner/", views.referral_letter_partner,
         name="referral_letter_partner"),
]
