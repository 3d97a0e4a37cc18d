"""External identifiers: a record's number in another catalogue (Wikidata, GeoNames, VIAF, a Commons category…).

``IdentifierScheme`` is the catalogue, with the address pattern its links are built from; ``ExternalIdentifier``
is the abstract base of one identifier of a record. Each kind of record has its own table (``MonumentIdentifier``
in monuments, ``PlaceIdentifier`` here, ``PersonIdentifier``… in meetings), so that the core imports no app of
ours and each table is unique per scheme and value: why, in docs/decisions.md ("External identifiers").
"""

from urllib.parse import quote

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

# A scheme's code is also its column in imports and exports: a short lower-case word.
SCHEME_CODE = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Lower-case letters, digits and _, starting with a letter (it is also the scheme's column in files)."),
)


class IdentifierSchemeQuerySet(models.QuerySet):
    def by_code(self):
        """``{code: scheme}`` of every scheme: a handful of rows, read once per import or page."""
        return {scheme.code: scheme for scheme in self.order_by("code")}


class IdentifierScheme(models.Model):
    """A catalogue that identifies records by its own values, and how to link to its entry for a value."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[SCHEME_CODE])
    name = models.CharField(_("name"), max_length=200)
    url_pattern = models.CharField(
        _("link pattern"),
        max_length=300,
        blank=True,
        help_text=_(
            "The address of an entry, with {value} where the identifier goes, e.g. https://www.wikidata.org/wiki/{value}."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    objects = IdentifierSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("identifier scheme")
        verbose_name_plural = _("identifier schemes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def link(self, value):
        """The address of ``value``'s entry in this catalogue ("" when the scheme has no pattern)."""
        if not self.url_pattern or "{value}" not in self.url_pattern:
            return ""
        return self.url_pattern.replace("{value}", quote(value.replace(" ", "_"), safe=":/()'!,"))


class ExternalIdentifier(models.Model):
    """One identifier of a record in a scheme. Subclasses add the foreign key to their record (``record_field``)
    and ``identifier_constraints()`` to their Meta."""

    record_field = None

    scheme = models.ForeignKey(IdentifierScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("identifier"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.scheme.code}:{self.value}"

    @property
    def url(self):
        return self.scheme.link(self.value)


def identifier_indexes(prefix):
    """``Meta.indexes`` of an identifier table: search finds a pasted value (of any scheme) on its own index."""
    return [models.Index(fields=["value"], name=f"{prefix}_identifier_value")]


def identifier_constraints(prefix):
    """``Meta.constraints`` of an identifier table: a scheme's value names one record of the kind."""
    return [
        models.UniqueConstraint(
            fields=["scheme", "value"],
            name=f"{prefix}_identifier_unique",
            violation_error_message=_("Another record already has this identifier in this scheme."),
        ),
        models.CheckConstraint(condition=~models.Q(value=""), name=f"{prefix}_identifier_not_empty"),
    ]


def pasted_values(query):
    """The identifier values a search box's text may be: as typed, and a Wikidata item spelled in lower case or
    pasted as its address (``https://www.wikidata.org/wiki/Q754560`` → ``Q754560``)."""
    text = (query or "").strip()
    if not text or len(text) > 300:
        return set()
    values = {text}
    tail = text.rstrip("/").rsplit("/", 1)[-1]
    if text.startswith(("http://", "https://")) and tail:
        values.add(tail)
    values |= {v.upper() for v in values if v[:1] in "qQ" and v[1:].isdigit()}
    return values


def prefetch_identifiers(model):
    """The ``Prefetch`` of a record's identifiers as its page lists them: with their schemes, by scheme name."""
    identifier_model = model._meta.get_field("identifiers").related_model
    return Prefetch(
        "identifiers", queryset=identifier_model.objects.select_related("scheme").order_by("scheme__name", "value")
    )
