import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import TimestampedModel, in_every_language
from icwg_portal.choices import display_of

EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


def split_emails(value):
    return [address for address in EMAIL_SEPARATORS.split(value or "") if address]


def validate_email_list(value):
    addresses = split_emails(value)
    if not addresses:
        raise ValidationError(_("Enter at least one email address."), code="no_email")
    invalid = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
    if invalid:
        raise ValidationError(
            _("These are not valid email addresses: %(addresses)s"),
            code="invalid_email",
            params={"addresses": ", ".join(invalid)},
        )


class ContactQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def with_card_details(self, *also):
        """The columns a contact card shows (name, role, organization, addresses, phone), and ``also``."""
        card = ["group", "person", "role", "emails", "phone", "organization__acronym"]
        return self.select_related("organization").only(
            *card, *in_every_language("organization__name"), *also
        )

    def in_directory(self):
        """Cards for the directory of contacts, under each group's name and country, country by country."""
        group_columns = [
            "group__slug",
            "group__country__slug",
            *in_every_language("group__name"),
            *in_every_language("group__country__name"),
        ]
        return (
            self.with_card_details(*group_columns)
            .select_related("group__country")
            # Each group's contacts together, in a fixed order: a page never repeats or skips one.
            .order_by("group__country__name", "group__order", "group__name", "group", "order", "pk")
        )


class Contact(TimestampedModel):
    class Role(models.TextChoices):
        CONTACT = "contact", _("Contact person")
        COORDINATOR = "coordinator", _("Coordinator")
        FOCAL_POINT = "focal_point", _("Focal point")
        SECRETARIAT = "secretariat", _("Secretariat")

    group = models.ForeignKey(
        "groups.WorkingGroup",
        verbose_name=_("working group"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    organization = models.ForeignKey(
        "groups.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="contacts",
        null=True,
        blank=True,
    )
    person = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTACT)
    get_role_display = display_of("role", Role)
    emails = models.TextField(
        _("email addresses"),
        validators=[validate_email_list],
        help_text=_("One or more addresses, separated by commas, semicolons or new lines."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_public = models.BooleanField(_("shown to visitors"), default=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(condition=~Q(emails=""), name="contact_has_an_email"),
            models.UniqueConstraint(fields=["group", "person"], name="contact_unique_person_per_group"),
        ]

    def __str__(self):
        return f"{self.person} ({self.group})"

    @property
    def email_list(self):
        return split_emails(self.emails)

    @property
    def obfuscated_emails(self):
        """Addresses split so that the page never holds a harvestable "user@domain" string."""
        return [ObfuscatedEmail(*address.rsplit("@", 1)) for address in self.email_list]


class ObfuscatedEmail:
    def __init__(self, user, domain):
        self.user = user
        self.domain = domain

    @property
    def spoken(self):
        # Read aloud by screen readers as "user at domain": the at sign written in the reader's language.
        return f"{self.user} {gettext('at')} {self.domain}"

    def __str__(self):
        return self.spoken
