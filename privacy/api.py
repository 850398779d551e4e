"""Admins: GET /api/customers/{id}/export/ (the ZIP archive), POST /api/customers/{id}/erase/ {confirm_email}."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import services
from privacy.views import export_response
from tickets.models import Customer
from tickets.permissions import IsAdmin


class EraseSerializer(serializers.Serializer):
    confirm_email = serializers.CharField(max_length=254)


class CustomerExportView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        summary="Everything about a customer as one ZIP archive (data.json and the attachment files)",
        tags=["privacy"],
        responses={(200, "application/zip"): OpenApiResponse(description="the archive")},
    )
    def get(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        return export_response(customer=customer, by=request.user)


class CustomerEraseView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        summary="Erase a customer's personal data (counts, ratings and amounts stay)",
        tags=["privacy"],
        request=EraseSerializer,
        responses={200: {"type": "object", "additionalProperties": {"type": "integer"}}},
    )
    def post(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        serializer = EraseSerializer(data=request.data if hasattr(request.data, "get") else {})
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["confirm_email"].strip().lower() != customer.email.lower():
            raise serializers.ValidationError({"confirm_email": [_("That is not this customer's address.")]})
        return Response(services.erase_customer(customer=customer, by=request.user))
