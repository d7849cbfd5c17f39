"""Reads of clients: search by name, phone or e-mail (scoped to the business), and a client's card figures."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .calculations import phone_digits
from .models import Client


def clients_for_business(business, *, include_deleted: bool = False) -> QuerySet[Client]:
    queryset = Client.objects.for_business(business)
    if not include_deleted:
        queryset = queryset.filter(is_deleted=False)
    return queryset


def client_search(business, query: str = "", *, tag: str = "", include_deleted: bool = False) -> QuerySet[Client]:
    """Search by a part of the name, the phone digits or the e-mail; the search key is one lower-cased column."""
    queryset = clients_for_business(business, include_deleted=include_deleted)
    query = (query or "").strip().lower()
    if query:
        digits = phone_digits(query)
        condition = Q(search_text__contains=query)
        if digits and len(digits) >= 3 and digits != query:
            condition |= Q(search_text__contains=digits)
        queryset = queryset.filter(condition)
    if tag:
        queryset = queryset.filter(tags__icontains=f'"{tag.strip()}"')
    return queryset.order_by("full_name", "id")
