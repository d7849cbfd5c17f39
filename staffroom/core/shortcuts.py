"""Business-scoped object loading for views and API handlers (never `Model.objects.get(pk=...)` there)."""

from django.http import Http404

# A primary key is a positive 64-bit integer; a larger number is no object of any business (and the database
# driver would overflow on it: SQLite refuses integers beyond 64 bits with an OverflowError, a 500).
MAX_PK = 2**63 - 1


def _is_possible_pk(value) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or 0 < value <= MAX_PK


def get_for_business_or_404(model_or_queryset, business, **lookup):
    queryset = model_or_queryset
    if hasattr(model_or_queryset, "_default_manager"):
        queryset = model_or_queryset._default_manager.all()
    if business is None:
        raise Http404
    try:
        return queryset.for_business(business).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as error:
        raise Http404 from error


def choice_for_business(model, business, pk, field: str):
    """Resolve a foreign key sent by a client; anything outside the business is a field error, not a leak."""
    from django.utils.translation import gettext as _

    from .errors import field_error

    if pk is None:
        return None
    if not _is_possible_pk(pk):
        raise field_error(field, _("Choose a valid option of this business."))
    found = model._default_manager.for_business(business).filter(pk=pk).first()
    if found is None:
        raise field_error(field, _("Choose a valid option of this business."))
    return found


def choices_for_business(model, business, pks, field: str) -> list:
    from django.utils.translation import gettext as _

    from .errors import field_error

    wanted = set(pks or ())
    if not all(_is_possible_pk(pk) for pk in wanted):
        raise field_error(field, _("Choose valid options of this business."))
    found = list(model._default_manager.for_business(business).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise field_error(field, _("Choose valid options of this business."))
    return found
