from django.urls import path

from identity import views

app_name = "identity"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("qr.svg", views.qr_code, name="qr"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
]
