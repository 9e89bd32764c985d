from django.urls import path

from lotse.pools import views

app_name = "pools"

urlpatterns = [
    path("sprachmittlung-ehrenamt/", views.pool_member_list, name="pool_member_list"),
    path("sprachmittlung-ehrenamt/neu/", views.pool_member_create, name="pool_member_create"),
    path("sprachmittlung-ehrenamt/<uuid:public_id>/bearbeiten/", views.pool_member_edit,
         name="pool_member_edit"),
    path("sprachmittlung-ehrenamt/<uuid:public_id>/status/", views.pool_member_set_active,
         name="pool_member_set_active"),
    path("termine/<uuid:public_id>/sprachmittlung/", views.interpreter_search, name="interpreter_search"),
    path("termine/<uuid:public_id>/sprachmittlung/buchen/", views.interpreter_book, name="interpreter_book"),
    path("termine/<uuid:public_id>/sprachmittlung/abbestellen/", views.interpreter_cancel,
         name="interpreter_cancel"),
    path("faelle/<uuid:public_id>/ehrenamt/neu/", views.volunteer_assign, name="volunteer_assign"),
    path("ehrenamt-einsaetze/<uuid:public_id>/beenden/", views.volunteer_assignment_end,
         name="volunteer_assignment_end"),
    path("ehrenamt-einsaetze/<uuid:public_id>/zugang/", views.volunteer_link, name="volunteer_link"),
    path("ehrenamt-einsaetze/<uuid:public_id>/zugang/widerrufen/", views.volunteer_link_revoke,
         name="volunteer_link_revoke"),
    path("ehrenamt/<str:token>/", views.volunteer_view, name="volunteer_view"),
]
