"""The facts of the VPI's "Peru ICWGs" page (voluntaryprinciples.org/peru-icwgs), in Spanish and English.

Loaded by ``manage.py load_peru_content``. Spanish is the groups' working language, so the Spanish text is
written as a Peruvian secretariat would write it, not translated word for word; the English follows the page.

Each record names its natural key (slug, ISO code, organization name and acronym, group and person…) and the
values the command writes. Records refer to one another by those keys. Fields left out here (images, files,
publication dates, the country's VPI status…) are not on the page: the command leaves them to staff.
"""

from decimal import Decimal

PILLARS = [
    {
        "slug": "state",
        "order": 1,
        "name_es": "Estado",
        "name_en": "State",
        "description_es": "Ministerios, organismos reguladores, la policía y otras entidades públicas.",
        "description_en": "Ministries, regulators, the police and other public bodies.",
    },
    {
        "slug": "companies",
        "order": 2,
        "name_es": "Empresas",
        "name_en": "Companies",
        "description_es": "Empresas extractivas, empresas de seguridad y gremios empresariales.",
        "description_en": "Extractive companies, security companies and industry associations.",
    },
    {
        "slug": "civil-society",
        "order": 3,
        "name_es": "Sociedad civil",
        "name_en": "Civil society",
        "description_es": "Organizaciones no gubernamentales, organizaciones de base y universidades.",
        "description_en": "Non-governmental organizations, grassroots organizations and universities.",
    },
]

DOCUMENT_TYPES = [
    {"slug": "national-model", "order": 1, "name_es": "Modelo nacional", "name_en": "National model"},
    {
        "slug": "stakeholder-mapping",
        "order": 2,
        "name_es": "Mapeo de actores",
        "name_en": "Stakeholder mapping",
    },
    {"slug": "study", "order": 3, "name_es": "Estudio", "name_en": "Study"},
    {"slug": "guidance", "order": 4, "name_es": "Guía", "name_en": "Guidance"},
]

# Not on the page: a simplified outline of Peru's border ([longitude, latitude], clockwise from Tumbes),
# enough for the country page to draw where its groups are; accurate to a few tens of kilometres.
PERU_OUTLINE = [
    [-80.34, -3.39],
    [-80.15, -3.9],
    [-80.45, -4.2],
    [-79.95, -4.4],
    [-79.45, -4.55],
    [-79.0, -4.95],
    [-78.65, -4.55],
    [-78.35, -3.4],
    [-77.85, -3.0],
    [-76.65, -2.6],
    [-75.55, -1.55],
    [-75.25, -0.95],
    [-75.22, -0.04],
    [-74.8, -0.2],
    [-74.25, -1.0],
    [-73.65, -1.25],
    [-73.1, -2.1],
    [-72.1, -2.45],
    [-71.4, -2.3],
    [-70.9, -2.2],
    [-70.05, -2.7],
    [-70.7, -3.8],
    [-69.95, -4.23],
    [-70.6, -4.15],
    [-71.7, -4.5],
    [-72.85, -5.15],
    [-73.2, -6.0],
    [-73.7, -6.9],
    [-73.75, -7.35],
    [-74.0, -7.55],
    [-73.55, -8.4],
    [-72.95, -9.0],
    [-73.2, -9.45],
    [-72.35, -9.5],
    [-72.15, -10.0],
    [-71.35, -10.0],
    [-70.6, -9.45],
    [-70.6, -11.0],
    [-69.57, -10.95],
    [-68.7, -12.5],
    [-68.85, -12.9],
    [-68.95, -13.6],
    [-68.85, -14.45],
    [-69.4, -15.1],
    [-69.1, -15.9],
    [-69.05, -16.57],
    [-69.6, -17.2],
    [-69.8, -17.65],
    [-70.38, -18.35],
    [-71.35, -17.65],
    [-72.0, -17.03],
    [-72.7, -16.62],
    [-74.25, -15.85],
    [-75.2, -15.35],
    [-76.3, -13.8],
    [-76.4, -13.1],
    [-77.15, -12.05],
    [-77.6, -11.1],
    [-78.15, -10.07],
    [-78.6, -9.08],
    [-79.05, -8.1],
    [-79.57, -7.4],
    [-79.9, -6.8],
    [-81.2, -5.9],
    [-81.1, -5.09],
    [-81.33, -4.67],
]

# The page does not give Peru's VPI status: it stays at the model's default, "unknown", for staff to set.
COUNTRY = {
    "iso_code": "PE",
    "slug": "peru",
    "name_es": "Perú",
    "name_en": "Peru",
    "outline": PERU_OUTLINE,
    "introduction_es": (
        "El Perú tiene una población de más de 32 millones de habitantes; es el decimonoveno país más "
        "extenso del mundo y el tercero más grande de América del Sur. Es uno de los países más ricos del "
        "mundo en recursos naturales como el cobre, la plata, el oro, el hierro, el zinc, los fosfatos, el "
        "petróleo, el gas natural y el carbón. Al mismo tiempo, estos recursos han contribuido a abusos "
        "contra los derechos humanos y a hechos de violencia en el país.\n\n"
        "Los dos Grupos de Trabajo en el País (ICWG, por sus siglas en inglés) asociados a los Principios "
        "Voluntarios tienen su sede en la capital, Lima, y en Cusco."
    ),
    "introduction_en": (
        "Peru has a population of over 32 million and is the 19th largest country in the world, and the "
        "third largest in South America. Peru is one of the richest countries in the world in terms of "
        "natural resources like copper, silver, gold, iron, zinc, phosphate, oil, natural gas, and coal. At "
        "the same time, these resources contributed to human rights abuses and violence in the country.\n\n"
        "The two Voluntary Principles Partner In-Country Working Groups (ICWGs) are based in the capital, "
        "Lima, and in Cusco."
    ),
}

# Objectives and activities are listed in the page's order; their position (1, 2, 3…) identifies them.
WORKING_GROUPS = [
    {
        "slug": "lima",
        "fields": {
            "kind": "partner",
            "acronym": "GT-PV",
            "status": "published",
            "order": 1,
            "year_founded": 2010,
            "name_es": "Grupo de Trabajo de los Principios Voluntarios de Lima",
            "name_en": "Lima Partner In-Country Working Group",
            "location_es": "Lima",
            "location_en": "Lima",
            "latitude": Decimal("-12.0464"),
            "longitude": Decimal("-77.0428"),
            # The page's "NGOs, companies and diplomatic," lost a word: its next paragraph names the
            # "diplomatic representations" among the observers.
            "founded_by_es": (
                "organizaciones no gubernamentales (ONG), empresas y representaciones diplomáticas"
            ),
            "founded_by_en": (
                "non-governmental organizations (NGOs), companies and diplomatic representations"
            ),
            "overview_es": (
                "El grupo de trabajo fue creado en 2010 por un conjunto de organizaciones no gubernamentales "
                "(ONG), empresas y representaciones diplomáticas que, en un contexto de creciente "
                "conflictividad social, decidieron establecer un espacio de reflexión y de implementación de "
                "los Principios Voluntarios de Seguridad y Derechos Humanos (PV) en el Perú."
            ),
            "overview_en": (
                "The working group was created in 2010 by a group of non-governmental organizations (NGOs), "
                "companies and diplomatic representations that, in a context of growing social conflict, "
                "decided to establish a space for reflection and the implementation of the Voluntary "
                "Principles on Security and Human Rights (VPSHR) in Peru."
            ),
            "composition_es": (
                "El grupo está integrado por actores de tres pilares (Estado, empresas y sociedad civil) y "
                "cuenta con el acompañamiento de observadores, entre ellos instituciones de la cooperación "
                "internacional, incluidas representaciones diplomáticas."
            ),
            "composition_en": (
                "The Partner ICWG is made up of actors from three pillars (State, companies and civil "
                "society) and is accompanied by observers, among whom are international cooperation "
                "institutions that include diplomatic representations."
            ),
            "activities_summary_es": (
                "Entre las principales actividades del grupo figuran la difusión y el análisis de "
                "información, la capacitación, los conversatorios, la elaboración de estudios, la incidencia "
                "y el intercambio de experiencias."
            ),
            "activities_summary_en": (
                "The main activities carried out by the group include dissemination and information "
                "analysis, training, discussions, development of studies, advocacy, and experience sharing."
            ),
        },
        "objectives": [
            {
                "text_es": (
                    "Contribuir a la difusión y la capacitación sobre los Principios Voluntarios y los "
                    "Principios Rectores sobre las Empresas y los Derechos Humanos de las Naciones Unidas."
                ),
                "text_en": (
                    "Contribute to the dissemination and training on the VPSHR, and the Guiding Principles "
                    "on Business and Human Rights (UNGPs)."
                ),
            },
            {
                "text_es": (
                    "Promover el diálogo multiactor basado en los Principios Voluntarios y los Principios "
                    "Rectores."
                ),
                "text_en": "Promote multi-stakeholder dialogue based on the VPSHR and the UNGPs.",
            },
            {
                "text_es": (
                    "Apoyar la implementación de los Principios Voluntarios y los Principios Rectores a "
                    "través del Plan Nacional de Acción sobre Empresas y Derechos Humanos."
                ),
                "text_en": (
                    "Support the implementation of the VPSHR and the UNGPs through the National Action Plan "
                    "on Business and Human Rights."
                ),
            },
        ],
        "activities": [
            {
                "kind": "dissemination",
                "title_es": "Difusión y análisis de información",
                "title_en": "Dissemination and information analysis",
            },
            {"kind": "training", "title_es": "Capacitación", "title_en": "Training"},
            {"kind": "dialogue", "title_es": "Conversatorios", "title_en": "Discussions"},
            {"kind": "study", "title_es": "Elaboración de estudios", "title_en": "Development of studies"},
            {"kind": "advocacy", "title_es": "Incidencia", "title_en": "Advocacy"},
            {
                "kind": "experience_sharing",
                "title_es": "Intercambio de experiencias",
                "title_en": "Experience sharing",
            },
        ],
    },
    {
        "slug": "cusco",
        "fields": {
            "kind": "partner",
            "status": "published",
            "order": 2,
            "name_es": "Grupo de Trabajo de los Principios Voluntarios de Cusco",
            "name_en": "Cusco Partner In-Country Working Group",
            "location_es": "Cusco",
            "location_en": "Cusco",
            "latitude": Decimal("-13.5320"),
            "longitude": Decimal("-71.9675"),
            "vision_es": (
                "La visión del grupo de trabajo es garantizar una gobernanza adecuada en la promoción e "
                "implementación de los Principios Voluntarios de Seguridad y Derechos Humanos."
            ),
            "vision_en": (
                "The working group's vision is to guarantee adequate governance in the promotion and "
                "implementation of the Voluntary Principles on Security and Human Rights."
            ),
            "overview_es": (
                "El Grupo de Trabajo es un espacio de cooperación multiactor y de intercambio transparente "
                "de información y experiencias. Promueve una cultura de diálogo en la gestión de conflictos, "
                "con enfoque inclusivo, y está comprometido con el desarrollo sostenible de la región."
            ),
            "overview_en": (
                "The Working Group is a space for multi-stakeholder cooperation and sharing of information "
                "and experiences transparently. It promotes a culture of dialogue in conflict management "
                "with an inclusive approach. It is also committed to the sustainable development of the "
                "region."
            ),
        },
        "objectives": [],
        "activities": [
            {
                "kind": "institutional_strengthening",
                "title_es": "Institucionalización del grupo de trabajo",
                "title_en": "Institutionalization of the working group",
            },
            {
                "kind": "training",
                "title_es": "Fortalecimiento de capacidades de los diferentes actores",
                "title_en": "Capacity building of the different actors",
            },
            {
                "kind": "field_work",
                "title_es": (
                    "Trabajo de campo con organizaciones y sus representantes en gestión de conflictos, "
                    "seguridad y derechos humanos"
                ),
                "title_en": (
                    "Field work with organizations and their representatives in conflict management, "
                    "security and human rights"
                ),
            },
            {
                "kind": "advocacy",
                "title_es": "Acciones de incidencia en derechos humanos",
                "title_en": "Advocacy efforts on human rights",
            },
            {
                "kind": "training",
                "title_es": (
                    "Capacitación a juntas directivas e integrantes de organizaciones rurales, de la minería "
                    "artesanal, de la seguridad pública, de las rondas campesinas y de otras organizaciones"
                ),
                "title_en": (
                    "Training of board of directors and members of rural organizations, artisanal mining, "
                    "public security, peasant patrols, and others"
                ),
            },
            {
                "kind": "dissemination",
                "title_es": "Difusión de materiales para informar y sensibilizar a la ciudadanía",
                "title_en": "Dissemination of materials to inform and sensitize citizens",
            },
            {
                "kind": "institutional_visit",
                "title_es": "Visitas a instituciones del sector seguridad (Policía Nacional)",
                "title_en": "Visits to security sector institutions (police)",
            },
            {
                "kind": "coordination",
                "title_es": "Participación en el Grupo de Trabajo Nacional (Lima)",
                "title_en": "Participation in the National Working Group (Lima)",
            },
        ],
    },
]

# Keyed by a local name the memberships and contacts below refer to; the natural key is name_es + acronym.
# Proper names of Peruvian organizations are kept in Spanish in the English version too.
ORGANIZATIONS = {
    "desco": {
        "name_es": "Centro de Estudios y Promoción del Desarrollo",
        "name_en": "Centro de Estudios y Promoción del Desarrollo",
        "acronym": "DESCO",
        "kind": "ngo",
    },
    "guaman-poma": {
        # The page spells it "Educacion" without the accent; the organization's name is "Educación".
        "name_es": "Centro de Educación y Comunicación Guaman Poma de Ayala",
        "name_en": "Centro de Educación y Comunicación Guaman Poma de Ayala",
        "acronym": "",
        "kind": "ngo",
    },
}

# The page names each organization only as its group's contact. Both are NGOs, so each is recorded as a member
# of its group in the civil-society pillar; the page says nothing of other roles (chair, secretariat).
MEMBERSHIPS = [
    {"group": "lima", "organization": "desco", "pillar": "civil-society", "role": "member"},
    {"group": "cusco", "organization": "guaman-poma", "pillar": "civil-society", "role": "member"},
]

CONTACTS = [
    {
        "group": "lima",
        "person": "Molvina Zeballos",
        "organization": "desco",
        "role": "contact",
        "emails": "molvina@desco.org.pe\ngrupodetrabajoempresayderechos@gmail.com",
        "is_public": True,
        "order": 1,
    },
    {
        "group": "cusco",
        "person": "Lucio Quiñones",
        "organization": "guaman-poma",
        "role": "contact",
        "emails": "gpadireccion@guamanpoma.org\nlucio@guamanpoma.org",
        "is_public": True,
        "order": 1,
    },
]

# All three are written in Spanish. The page links to them but this seed carries neither a file nor a link:
# staff upload the files. Type and groups refer to DOCUMENT_TYPES and WORKING_GROUPS by slug.
DOCUMENTS = [
    {
        "slug": "diez-pasos-modelo-peruano",
        "document_type": "national-model",
        "groups": ["lima"],
        "language": "es",
        "status": "published",
        "title_es": (
            "Diez pasos para promover los Principios Voluntarios de Seguridad y Derechos Humanos: El Modelo "
            "Peruano del Grupo de Trabajo"
        ),
        "title_en": (
            "Ten steps to promote the Voluntary Principles on Security and Human Rights: the Peruvian Model "
            "of the Working Group"
        ),
        "summary_es": (
            "El Modelo Peruano para promover la seguridad y los derechos humanos, en diez pasos. Relata "
            "cómo, tras un estudio exploratorio realizado en 2010 por Socios Perú sobre el grado de "
            "implementación de los Principios Voluntarios por parte de las empresas extractivas, los "
            "gobiernos y la sociedad civil, un grupo de actores creó el Grupo de Trabajo de los Principios "
            "Voluntarios (GT-PV)."
        ),
        "summary_en": (
            "The Peruvian Model to promote security and human rights, in ten steps. It tells how, after an "
            "exploratory study carried out in 2010 by Socios Perú on how far extractive companies, "
            "governments and civil society had implemented the Voluntary Principles, a group of stakeholders "
            "created the Voluntary Principles Working Group (GT-PV)."
        ),
    },
    {
        "slug": "mapeo-de-actores-cusco",
        "document_type": "stakeholder-mapping",
        "groups": ["cusco"],
        "language": "es",
        "status": "published",
        "title_es": "Mapeo de actores del Grupo de Trabajo de Cusco",
        "title_en": "Stakeholder mapping by the Cusco Partner ICWG",
        "summary_es": (
            "Mapeo de actores elaborado por el Grupo de Trabajo de los Principios Voluntarios de Cusco."
        ),
        "summary_en": "A stakeholder mapping developed by the Cusco Partner In-Country Working Group.",
    },
    {
        "slug": "formalizacion-pequena-mineria-y-mineria-artesanal",
        # Listed in the Cusco section of the page, so linked to Cusco only.
        "document_type": "study",
        "groups": ["cusco"],
        "language": "es",
        "status": "published",
        "title_es": "El proceso de formalización de la pequeña minería y minería artesanal en el Perú",
        "title_en": "The Formalization Process of Small-Scale and Artisanal Mining in Peru",
        "summary_es": (
            "Documento sobre el proceso de formalización minera en el Perú, dirigido a la pequeña minería y "
            "la minería artesanal. Figura entre los documentos públicos del Grupo de Trabajo de Cusco."
        ),
        "summary_en": (
            "A document on the formalization process of small-scale and artisanal mining in Peru, listed "
            "among the public documents of the Cusco Partner In-Country Working Group."
        ),
    },
]
