"""Business-owned base model and the queryset that refuses to run without a business (tenancy fails closed)."""

from django.db import models
from django.db.models.lookups import Exact, In


class UnscopedQueryError(RuntimeError):
    """A business-owned queryset was evaluated without being limited to one business."""


class BusinessScopedQuerySet(models.QuerySet):
    """Evaluates only when scoped: `.for_business(b)`, a filter on `business`, a parent object, or `.unscoped()`.

    `.unscoped()` is for platform code only (operator console, management commands, tenancy resolution);
    a view or API handler never calls it.
    """

    _is_scoped = False

    def for_business(self, business):
        queryset = self.filter(business=business)
        queryset._is_scoped = True
        return queryset

    def unscoped(self):
        queryset = self._chain()
        queryset._is_scoped = True
        return queryset

    def _clone(self):
        clone = super()._clone()
        clone._is_scoped = self._is_scoped
        return clone

    def _filters_on_business(self) -> bool:
        where = self.query.where
        if where.connector != "AND" or where.negated:
            return False
        for child in where.children:
            if isinstance(child, Exact | In):
                target = getattr(child.lhs, "target", None)
                if (
                    target is not None
                    and target.model is self.model
                    and target.name == "business"
                    and getattr(child.lhs, "alias", None) == self.query.get_initial_alias()
                ):
                    return True
        return False

    def _ensure_scoped(self) -> None:
        if self._is_scoped or self._hints.get("instance") is not None or self._filters_on_business():
            return
        raise UnscopedQueryError(
            f"{self.model.__name__} is business-owned: scope the query with .for_business(business)"
        )

    def _fetch_all(self):
        if self._result_cache is None:
            self._ensure_scoped()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._ensure_scoped()
        return super().iterator(*args, **kwargs)

    def count(self):
        if self._result_cache is None:
            self._ensure_scoped()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._ensure_scoped()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._ensure_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._ensure_scoped()
        return super().update(**kwargs)

    def delete(self):
        self._ensure_scoped()
        return super().delete()


class BusinessScopedManager(models.Manager.from_queryset(BusinessScopedQuerySet)):
    pass


class BusinessOwnedModel(models.Model):
    """Every row a business owns carries the business; queries through `objects` must be scoped to it."""

    business = models.ForeignKey("tenancy.Business", on_delete=models.PROTECT, related_name="+")

    objects = BusinessScopedManager()

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
