"""KPI targets per role: what the dashboard's progress bars measure employees against."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BusinessOwnedModel, TimestampedModel
from staffroom.reports.choices import KpiMetric


class KpiTarget(BusinessOwnedModel, TimestampedModel):
    """A monthly target of one KPI for every employee of a role."""

    role = models.ForeignKey("staff.Role", verbose_name=_("role"), on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(_("KPI"), max_length=32, choices=KpiMetric.choices)
    target = models.DecimalField(_("target per month"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["role", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["business", "role", "metric"], name="kpi_target_one_per_role_and_metric"),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="kpi_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.role} · {self.get_metric_display()} ≥ {self.target}"
