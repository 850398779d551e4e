from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("customers/<id:pk>/export.zip", views.customer_export, name="customer_export"),
    path("customers/<id:pk>/erase/", views.customer_erase, name="customer_erase"),
]
