"""Official XÖV code lists (genericode) and their entries.

Entries are never deleted: records may keep referring to a code that a newer version of its list
dropped, so such entries are only marked ``is_current=False``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeList(models.Model):
    slug = models.SlugField(_("identifier"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=200)
    long_name = models.CharField(_("long name"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=50)
    canonical_uri = models.CharField(_("canonical URI"), max_length=255)
    canonical_version_uri = models.CharField(_("canonical version URI"), max_length=255)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["slug"]
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")

    def __str__(self):
        return f"{self.short_name} ({self.version})"


class Code(models.Model):
    code_list = models.ForeignKey(
        CodeList, verbose_name=_("code list"), on_delete=models.PROTECT, related_name="codes",
    )
    code = models.CharField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=255)
    extra = models.JSONField(_("further columns"), default=dict, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="codelists_code_unique_per_list"),
        ]
        indexes = [
            models.Index(fields=["code_list", "label"], name="codelists_code_label_idx"),
        ]

    def __str__(self):
        return f"{self.code} – {self.label}"
