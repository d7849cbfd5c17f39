"""Reads of clients: search by name, phone or e-mail (scoped to the business), and a client's card figures."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .calculations import phone_search_keys
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
        condition = Q(search_text__contains=query)
        for key in phone_search_keys(query, business.country):
            condition |= Q(search_text__contains=key)
        queryset = queryset.filter(condition)
    if tag:
        queryset = queryset.filter(tags__icontains=f'"{tag.strip()}"')
    return queryset.order_by("full_name", "id")
