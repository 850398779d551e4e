from django.urls import path

from privacy import api

urlpatterns = [
    path("customers/<id:pk>/export/", api.CustomerExportView.as_view(), name="api-customer-export"),
    path("customers/<id:pk>/erase/", api.CustomerEraseView.as_view(), name="api-customer-erase"),
]
