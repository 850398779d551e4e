from django.urls import path

from insights import api

urlpatterns = [
    path("reports/csat/", api.CsatReportView.as_view(), name="api-reports-csat"),
    path("reports/operations/", api.OperationsReportView.as_view(), name="api-reports-operations"),
]
