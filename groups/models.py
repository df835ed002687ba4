from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.images import validate_image_upload
from groups.roles import edits_every_group
from icwg_portal.choices import display_of
from icwg_portal.routes import SlugRoute

# How many of its latest documents and activities a group's page shows; the rest are a link away.
LATEST_ON_GROUP_PAGE = 10
# Pages link to many groups and countries: their addresses are reversed once per language, then filled in.
COUNTRY_PAGE = SlugRoute("groups:country")
GROUP_PAGE = SlugRoute("groups:detail")


def in_every_language(field):
    """``field``'s column in each language, for ``only()`` on a query modeltranslation does not rewrite: one
    from a model without translated fields (a contact) reaching a translated one (its organization's name)."""
    return [f"{field}_{code}" for code in settings.MODELTRANSLATION_LANGUAGES]


class Latest:
    """The first ``size`` of ``rows`` (``items``) and how many there are in all (``total``), in one query: the
    total is a window count over the rows before the limit."""

    def __init__(self, rows, size=LATEST_ON_GROUP_PAGE):
        self.items = list(rows.annotate(total_count=Window(Count("pk")))[:size])
        self.total = self.items[0].total_count if self.items else 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    @property
    def has_more(self):
        return self.total > len(self.items)


def validate_outline(points):
    """A border is three or more [longitude, latitude] pairs of numbers on the Earth."""
    message = _("Enter a list of at least three [longitude, latitude] points, e.g. [[-80.3, -3.4], …].")
    if not isinstance(points, list) or (points and len(points) < 3):
        raise ValidationError(message, code="invalid_outline")
    for point in points:
        if (
            not isinstance(point, list | tuple)
            or len(point) != 2
            or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in point)
            or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
        ):
            raise ValidationError(message, code="invalid_outline")


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CountryQuerySet(models.QuerySet):
    def with_published_groups(self):
        """Countries visitors can reach: those with at least one published working group."""
        return self.filter(Exists(WorkingGroup.objects.published().filter(country=OuterRef("pk"))))

    def with_group_counts(self, groups):
        """Countries having some of ``groups`` (those a visitor may see), with how many (``group_count``):
        only the columns a list of countries shows, not the introduction nor the map outline."""
        return (
            self.only("name", "slug")
            .annotate(group_count=Count("working_groups", filter=Q(working_groups__in=groups.values("pk"))))
            .filter(group_count__gt=0)
        )


class Country(TimestampedModel):
    class VPIStatus(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        ENGAGED = "engaged", _("Engaged")
        FULL_MEMBER = "full_member", _("Full member")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("Used in the page address."))
    iso_code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{2}$", _("Enter the two capital letters of ISO 3166-1, e.g. PE."))
        ],
        help_text=_("Two-letter ISO 3166-1 code, e.g. PE for Peru."),
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("The country's context: people, resources, human rights.")
    )
    image = models.ImageField(
        _("image"), upload_to="countries/", blank=True, validators=[validate_image_upload]
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    vpi_status = models.CharField(
        _("VPI status"), max_length=20, choices=VPIStatus.choices, blank=True, default=VPIStatus.UNKNOWN
    )
    get_vpi_status_display = display_of("vpi_status", VPIStatus)
    outline = models.JSONField(
        _("map outline"),
        default=list,
        blank=True,
        validators=[validate_outline],
        help_text=_(
            "The country's border as a list of [longitude, latitude] points, e.g. [[-80.3, -3.4], …]; "
            "used to draw where its groups are. Leave empty to show no map."
        ),
    )
    vpi_status_since = models.PositiveSmallIntegerField(
        _("VPI status since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(vpi_status_since__isnull=True) | Q(vpi_status_since__gte=2000),
                name="country_vpi_status_since_after_2000",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return COUNTRY_PAGE(slug=self.slug)

    def clean(self):
        # The admin reads an emptied outline box (or JSON null) as None; the column holds a list: no map.
        if self.outline is None:
            self.outline = []


class Pillar(models.Model):
    """A constituency of a working group (State, companies, civil society…): data, since countries differ."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self):
        return self.name


class Organization(TimestampedModel):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or government body")
        REGULATOR = "regulator", _("Regulator")
        POLICE = "police", _("Police or public security")
        COMPANY = "company", _("Company")
        INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
        UNIVERSITY = "university", _("University or research centre")
        NGO = "ngo", _("Non-governmental organization")
        COMMUNITY = "community", _("Community or grassroots organization")
        INTERNATIONAL = "international", _("International cooperation agency")
        EMBASSY = "embassy", _("Embassy or diplomatic mission")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(fields=["name", "acronym"], name="organization_unique_name_acronym"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class WorkingGroupQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may read on the public site: published groups, and the drafts they may edit (a
        preview before publishing) — a coordinator previews their own group's draft, not another's."""
        if not user.is_staff:
            return self.published()
        editable = WorkingGroup.objects.editable_by(user).values("pk")
        return self.filter(Q(status=PublicationStatus.PUBLISHED) | Q(pk__in=editable))

    def editable_by(self, user):
        """The groups ``user`` may edit in the back office: all of them (``edits_every_group``), those they
        coordinate, or none (groups/permissions.py holds the admin to these).

        A queryset, so it also serves as a subquery:
        ``Contact.objects.filter(group__in=WorkingGroup.objects.editable_by(user))``.
        """
        if edits_every_group(user):
            return self.all()
        if not user.is_active:
            return self.none()
        return self.filter(coordinators=user.pk)

    def in_country(self, country):
        return self.filter(country=country)

    def with_country(self):
        """Each group with its country's name and address: not the rest of the country's row (its map outline
        is a long list of points), which no page shows beside a group."""
        shown = {"id", "slug", "name", *in_every_language("name")}
        unused = [f"country__{f.name}" for f in Country._meta.concrete_fields if f.name not in shown]
        return self.select_related("country").defer(*unused)

    def with_list_details(self):
        """The columns a list of groups shows (name, place, kind, year, status, point on the map) and its
        country's name and address: none of the page's long texts, nor the country's map outline."""
        return self.select_related("country").only(
            "name",
            "slug",
            "kind",
            "location",
            "year_founded",
            "status",
            "latitude",
            "longitude",
            "country__name",
            "country__slug",
        )

    def with_page_content(self):
        """What a group's page shows of the group, its objectives and members, in a fixed number of queries
        however large the group. Its activities, which grow without end, are the latest few
        (``latest_activities()``); what other apps add to the page (documents, contacts) the page's view
        reads itself. Only the columns the page shows: not the search vectors, map point or staff's
        ordering, nor the country's other columns."""
        shown = (
            "name acronym slug location kind year_founded founded_by status "
            "overview vision composition activities_summary image image_alt updated_at"
        ).split()
        return (
            self.select_related("country")
            .only(*shown, "country__name", "country__slug")
            .prefetch_related(
                "objectives",
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.public().with_organizations(),
                    to_attr="public_memberships",
                ),
            )
        )


class WorkingGroup(TimestampedModel):
    class Kind(models.TextChoices):
        VPI = "vpi", _("VPI In-Country Working Group")
        PARTNER = "partner", _("Partner In-Country Working Group")

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="working_groups"
    )
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, help_text=_("Used in the page address."))
    location = models.CharField(
        _("city or region"), max_length=100, help_text=_("Where the group meets, e.g. Lima or Cusco.")
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Where the group meets, for the country map, e.g. -13.5320 for Cusco."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("e.g. -71.9675 for Cusco."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    get_kind_display = display_of("kind", Kind)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    founded_by = models.CharField(
        _("founded by"),
        max_length=300,
        blank=True,
        help_text=_("Who created the group, e.g. NGOs, companies and diplomatic missions."),
    )
    overview = models.TextField(_("overview"), blank=True, help_text=_("What the group is and how it began."))
    vision = models.TextField(_("vision"), blank=True)
    composition = models.TextField(
        _("composition"), blank=True, help_text=_("How the pillars and observers make up the group.")
    )
    activities_summary = models.TextField(
        _("activities summary"),
        blank=True,
        help_text=_("The group's main lines of work, in a sentence or two."),
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text=_("Only published groups are shown to visitors."),
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    image = models.ImageField(
        _("image or logo"), upload_to="groups/", blank=True, validators=[validate_image_upload]
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_groups",
        help_text=_(
            "Staff accounts in the “Group coordinators” role who edit this group in the back office: its "
            "page, objectives, activities, memberships, contacts and documents, and no other group's."
        ),
    )

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        # Held by the secretariat (groups/roles.py): without it, staff edit only the groups they coordinate.
        permissions = [("edit_all_groups", _("Can edit every working group"))]
        constraints = [
            models.UniqueConstraint(fields=["country", "slug"], name="working_group_unique_slug_per_country"),
            models.CheckConstraint(
                condition=Q(year_founded__isnull=True) | Q(year_founded__gte=2000),
                name="working_group_founded_after_vpshr",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values), name="working_group_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="working_group_coordinates_on_earth",
                violation_error_message=_("Give both latitude and longitude, within the Earth's range."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return GROUP_PAGE(country_slug=self.country.slug, slug=self.slug)

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED

    def latest_activities(self, size=LATEST_ON_GROUP_PAGE):
        """The group's latest activities, and how many it has in all."""
        return Latest(self.activities.latest_first(), size)

    def members_by_pillar(self, pillars):
        """Public members by pillar (empty pillars too), then observers; uses prefetched rows."""
        memberships = self.public_memberships
        sections = [
            {"pillar": pillar, "memberships": [m for m in memberships if m.pillar_id == pillar.pk]}
            for pillar in pillars
        ]
        observers = [m for m in memberships if m.is_observer]
        return sections, observers


def touch_group(sender, instance, raw=False, **_kwargs):
    """A part of a group's page changed (an objective, an activity, a membership): so did the group. An
    update, not a save: no signals, no new version in the history."""
    if not raw:
        WorkingGroup.objects.filter(pk=instance.group_id).update(updated_at=timezone.now())


class Objective(models.Model):
    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="objectives"
    )
    text = models.TextField(_("objective"))
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return self.text[:80]


class ActivityQuerySet(models.QuerySet):
    def latest_first(self):
        """The most recent first; those without a date after them, in the order staff gave them."""
        return self.order_by(F("start_date").desc(nulls_last=True), "order", "id")


class Activity(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        DIALOGUE = "dialogue", _("Dialogue")
        STUDY = "study", _("Study")
        ADVOCACY = "advocacy", _("Advocacy")
        FIELD_WORK = "field_work", _("Field work")
        DISSEMINATION = "dissemination", _("Dissemination")
        INSTITUTIONAL_VISIT = "institutional_visit", _("Institutional visit")
        INSTITUTIONAL_STRENGTHENING = "institutional_strengthening", _("Institutional strengthening")
        EXPERIENCE_SHARING = "experience_sharing", _("Experience sharing")
        COORDINATION = "coordination", _("Coordination")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    get_kind_display = display_of("kind", Kind)
    start_date = models.DateField(_("date or start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="activities"
    )
    order = models.PositiveIntegerField(_("order"), default=0, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                name="activity_ends_after_it_starts",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title


class MembershipQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).order_by("pillar__order", "role", "organization__name")

    def with_organizations(self):
        """Each membership with what a list of members shows of its organization (name, acronym, website), and
        its pillar's id: lists of members are shown under pillars read once (``members_by_pillar``)."""
        return self.select_related("organization").only(
            "group",
            "pillar",
            "role",
            "end_date",
            "organization__acronym",
            "organization__website",
            *in_every_language("organization__name"),
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        TECHNICAL_SECRETARIAT = "secretariat", _("Technical secretariat")
        OBSERVER = "observer", _("Observer")
        GUEST = "guest", _("Guest")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        help_text=_("Leave empty for observers, who accompany the group outside the pillars."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    get_role_display = display_of("role", Role)
    representative = models.CharField(_("representative"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_public = models.BooleanField(_("shown to visitors"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["pillar__order", "organization__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "organization", "pillar"],
                name="membership_unique_per_pillar",
                violation_error_message=_("This organization already has a membership in this pillar."),
            ),
            models.UniqueConstraint(
                fields=["group", "organization"],
                condition=Q(pillar__isnull=True),
                name="membership_unique_outside_pillars",
                violation_error_message=_("This organization is already an observer of this group."),
            ),
            models.CheckConstraint(
                condition=Q(role="observer") | Q(pillar__isnull=False),
                name="membership_pillar_unless_observer",
                violation_error_message=_("Choose a pillar: only observers stand outside the pillars."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.group}"

    @property
    def is_observer(self):
        return self.role == self.Role.OBSERVER
