"""Invented, bilingual content: names of countries, places, organizations and people, and prose about them.

Everything here is fictitious on purpose. Names are put together from made-up syllables, so that no real
country, town, organization or person is named; organizations' websites and people's addresses are at
example.org and example.net (reserved for examples), and phone numbers in the 555-01xx range kept for
fiction. Sentences come in Spanish and English pairs that say the same thing, so a record's two languages
(and a document's two files) are translations of each other.

Each function takes the caller's ``random.Random``: the same seed gives the same content.
"""

from django.utils.text import slugify

# --- Names --------------------------------------------------------------------------------------------------

COUNTRY_STARTS = [
    "Val", "Nor", "Ar", "Cal", "Ser", "Ter", "Mar", "Ost", "Bel", "Cor", "Lin", "Quel", "Sar", "Tal", "Ver",
    "Zan", "Dor", "Fen", "Gal", "Hal", "Ilm", "Jor", "Kel", "Lor", "Mel", "Nev", "Or", "Pal", "Rav", "Sol",
]  # fmt: skip
COUNTRY_MIDDLES = ["do", "ve", "ra", "li", "te", "mo", "sa", "ne", "ri", "ta", "ba", "go", ""]
COUNTRY_ENDS = ["ria", "nia", "via", "lia", "sia", "mora", "vana", "desia", "landa", "quia"]

PLACE_PREFIXES = [
    "Puerto", "San", "Santa", "Villa", "Alto", "Nueva", "Río", "Valle", "Cerro", "Llano", "Laguna", "Pampa",
    "Bahía", "Cruz de", "Pozo",
]  # fmt: skip
PLACE_STEMS = [
    "Ferr", "Aldem", "Corv", "Mer", "Ilv", "Tamb", "Quill", "Huar", "Cald", "Orell", "Sant", "Marv", "Pedr",
    "Cuy", "Andr", "Tuc", "Yaur", "Chaq", "Lamb", "Ocr", "Perl", "Sauc", "Toc", "Urub", "Zamp", "Brav",
]  # fmt: skip
PLACE_ENDS = ["ano", "ara", "ina", "osa", "ayo", "ea", "illa", "ón", "aca", "ipa", "uela", "ama", "ero"]

GIVEN_NAMES = [
    "Ana", "Lucía", "Rosa", "Elena", "Carmen", "Marisol", "Julia", "Inés", "Teresa", "Silvia", "Nora", "Alba",
    "Carlos", "Jorge", "Luis", "Miguel", "Andrés", "Pablo", "Raúl", "Tomás", "Hugo", "Iván", "Diego", "Óscar",
]  # fmt: skip
SURNAME_STARTS = [
    "Tamb", "Quill", "Varg", "Orm", "Sald", "Huam", "Cárd", "Pum", "Llan", "Zev", "Marq", "Rond", "Tupal",
    "Ocañ", "Berr", "Cusip", "Ferm", "Galv", "Inch", "Yup",
]  # fmt: skip
SURNAME_ENDS = ["orena", "aco", "eiro", "anta", "uz", "illa", "ayo", "ández", "ino", "ote", "arra", "ucho"]

FOREIGN_STARTS = ["Bren", "Dal", "Fjor", "Grel", "Hav", "Kor", "Lund", "Mors", "Pell", "Stav", "Tors", "Vesk"]
FOREIGN_ENDS = ["land", "mark", "heim", "stad", "ovia", "avia"]

BRAND_STARTS = ["Quel", "Tar", "Mir", "Vel", "Cor", "Ant", "Sil", "Aur", "Cup", "Ferr", "Lit", "Orv", "Pir"]
BRAND_ENDS = ["taro", "vena", "cana", "dora", "mina", "quía", "aro", "ium", "ex", "ana"]


def invented_word(rng, starts, middles, ends):
    return rng.choice(starts) + rng.choice(middles) + rng.choice(ends)


def country_names(rng, count):
    names = []
    while len(names) < count:
        name = invented_word(rng, COUNTRY_STARTS, COUNTRY_MIDDLES, COUNTRY_ENDS)
        if name not in names:
            names.append(name)
    return names


def place_names(rng, count, taken=()):
    names = []
    while len(names) < count:
        stem = invented_word(rng, PLACE_STEMS, [""], PLACE_ENDS)
        name = f"{rng.choice(PLACE_PREFIXES)} {stem}" if rng.random() < 0.6 else stem
        if name not in names and name not in taken:
            names.append(name)
    return names


def person_name(rng):
    surnames = [invented_word(rng, SURNAME_STARTS, [""], SURNAME_ENDS) for _ in range(2)]
    return f"{rng.choice(GIVEN_NAMES)} {surnames[0]} {surnames[1]}"


def email_for(rng, person, domain_name):
    given, first_surname = person.split()[:2]
    user = slugify(f"{given[0]}{first_surname}").replace("-", "")
    domain = slugify(domain_name)[:40].strip("-") or "grupo"
    return f"{user}@{domain}.{rng.choice(['example.org', 'example.net'])}"


def fictitious_phone(rng):
    # 555-0100 to 555-0199 are reserved for fiction in the North American numbering plan.
    return f"+1 555 01{rng.randrange(100):02d}"


def foreign_country(rng):
    return invented_word(rng, FOREIGN_STARTS, [""], FOREIGN_ENDS)


def brand(rng):
    return invented_word(rng, BRAND_STARTS, [""], BRAND_ENDS)


def acronym_of(name):
    words = [word for word in name.replace("-", " ").split() if word[0].isupper() and len(word) > 2]
    return "".join(word[0] for word in words)[:8]


# --- Organizations: (kind, Spanish, English) name patterns; {country}, {place}, {brand}, {foreign} ---------

ORGANIZATION_PATTERNS = {
    "ministry": [
        ("Ministerio de Energía y Minas de {country}", "Ministry of Energy and Mines of {country}"),
        ("Ministerio del Interior de {country}", "Ministry of the Interior of {country}"),
        (
            "Ministerio de Justicia y Derechos Humanos de {country}",
            "Ministry of Justice and Human Rights of {country}",
        ),
        ("Ministerio del Ambiente de {country}", "Ministry of the Environment of {country}"),
        ("Ministerio de Relaciones Exteriores de {country}", "Ministry of Foreign Affairs of {country}"),
        ("Ministerio de Trabajo de {country}", "Ministry of Labour of {country}"),
        ("Defensoría del Pueblo de {country}", "Ombudsman's Office of {country}"),
        ("Gobierno Regional de {place}", "{place} Regional Government"),
        ("Municipalidad Provincial de {place}", "{place} Provincial Municipality"),
        ("Oficina de Diálogo y Sostenibilidad de {place}", "{place} Office for Dialogue and Sustainability"),
    ],
    "regulator": [
        ("Organismo Supervisor de la Minería de {country}", "Mining Supervisory Agency of {country}"),
        ("Agencia Nacional de Hidrocarburos de {country}", "National Hydrocarbons Agency of {country}"),
        (
            "Superintendencia de Seguridad Privada de {country}",
            "Private Security Superintendency of {country}",
        ),
        ("Autoridad Ambiental de {place}", "{place} Environmental Authority"),
        ("Autoridad del Agua de {place}", "{place} Water Authority"),
    ],
    "police": [
        ("Policía Nacional de {country}", "National Police of {country}"),
        ("Dirección de Seguridad Ciudadana de {place}", "{place} Directorate of Public Safety"),
        ("Comisaría de {place}", "{place} Police Station"),
        ("Región Policial de {place}", "{place} Police Region"),
    ],
    "company": [
        ("Compañía Minera {brand}", "Compañía Minera {brand}"),
        ("Minera {brand} S.A.", "Minera {brand} S.A."),
        ("Petrolera {brand}", "Petrolera {brand}"),
        ("Hidrocarburos {brand} S.A.C.", "Hidrocarburos {brand} S.A.C."),
        ("{brand} Recursos", "{brand} Resources"),
        ("Seguridad Integral {brand}", "Seguridad Integral {brand}"),
        ("Vigilancia {brand} S.A.", "Vigilancia {brand} S.A."),
        ("Energía {brand} de {place}", "Energía {brand} de {place}"),
    ],
    "industry_association": [
        ("Cámara Minera de {place}", "{place} Mining Chamber"),
        ("Sociedad de Minería y Energía de {country}", "Mining and Energy Society of {country}"),
        ("Asociación de Empresas de Seguridad de {place}", "{place} Association of Security Companies"),
        ("Gremio de Proveedores Mineros de {place}", "{place} Guild of Mining Suppliers"),
    ],
    "university": [
        ("Universidad Nacional de {place}", "National University of {place}"),
        ("Instituto de Estudios Regionales de {place}", "{place} Institute of Regional Studies"),
        ("Centro de Investigación {brand}", "{brand} Research Centre"),
    ],
    "ngo": [
        ("Centro de Derechos Humanos {brand}", "{brand} Human Rights Centre"),
        ("Asociación Pro Derechos de {place}", "{place} Rights Association"),
        ("Observatorio de Conflictos de {place}", "{place} Conflict Observatory"),
        ("Red de Mujeres de {place}", "{place} Women's Network"),
        ("Comisión de Justicia Social de {place}", "{place} Social Justice Commission"),
        ("Fundación {brand}", "{brand} Foundation"),
        ("Instituto de Defensa Legal de {place}", "{place} Legal Defence Institute"),
        ("Colectivo Territorio y Agua de {place}", "{place} Land and Water Collective"),
    ],
    "community": [
        ("Comunidad Campesina de {place}", "{place} Peasant Community"),
        ("Rondas Campesinas de {place}", "{place} Peasant Patrols"),
        ("Federación de Mineros Artesanales de {place}", "{place} Federation of Artisanal Miners"),
        ("Asociación de Productores de {place}", "{place} Producers' Association"),
        ("Frente de Defensa de {place}", "{place} Defence Front"),
    ],
    "international": [
        ("Agencia de Cooperación de {foreign}", "{foreign} Cooperation Agency"),
        ("Programa de Gobernanza de {foreign} en {country}", "{foreign} Governance Programme in {country}"),
        ("Fondo {brand} para el Desarrollo", "{brand} Development Fund"),
    ],
    "embassy": [
        ("Embajada de {foreign} en {country}", "Embassy of {foreign} in {country}"),
        ("Consulado de {foreign} en {place}", "Consulate of {foreign} in {place}"),
    ],
}

# How common each kind is among a country's organizations (percent).
ORGANIZATION_KINDS = {
    "ministry": 9,
    "regulator": 4,
    "police": 4,
    "company": 24,
    "industry_association": 5,
    "university": 6,
    "ngo": 24,
    "community": 14,
    "international": 5,
    "embassy": 5,
}

# The pillar (seed_peru.PILLARS slugs) of each kind's memberships; None: observers.
PILLAR_OF_KIND = {
    "ministry": "state",
    "regulator": "state",
    "police": "state",
    "company": "companies",
    "industry_association": "companies",
    "university": "civil-society",
    "ngo": "civil-society",
    "community": "civil-society",
    "international": None,
    "embassy": None,
}


def organization_names(rng, kind, country, places):
    spanish, english = rng.choice(ORGANIZATION_PATTERNS[kind])
    values = {
        "country": country,
        "place": rng.choice(places),
        "brand": brand(rng),
        "foreign": foreign_country(rng),
    }
    return spanish.format(**values), english.format(**values)


# --- Prose: Spanish and English pairs ------------------------------------------------------------------

TOPICS = [
    ("la formalización de la minería artesanal", "the formalisation of artisanal mining"),
    ("la seguridad privada en las operaciones extractivas", "private security in extractive operations"),
    ("el uso de la fuerza por la seguridad pública", "the use of force by public security"),
    ("los mecanismos de queja comunitarios", "community grievance mechanisms"),
    ("la debida diligencia en derechos humanos", "human rights due diligence"),
    (
        "el plan nacional de acción sobre empresas y derechos humanos",
        "the national action plan on business and human rights",
    ),
    ("la protección de las personas defensoras del ambiente", "the protection of environmental defenders"),
    ("los conflictos socioambientales", "socio-environmental conflicts"),
    ("la consulta previa a los pueblos indígenas", "prior consultation with indigenous peoples"),
    ("los convenios entre empresas y policía", "agreements between companies and the police"),
    ("la gestión del agua en zonas mineras", "water management in mining areas"),
    ("la igualdad de género en la seguridad", "gender equality in security"),
    ("la evaluación de riesgos de seguridad y derechos humanos", "security and human rights risk assessment"),
    ("la capacitación de vigilantes privados", "the training of private security guards"),
    ("el diálogo con las rondas campesinas", "dialogue with peasant patrols"),
    ("la transparencia en las industrias extractivas", "transparency in the extractive industries"),
    (
        "los Principios Rectores sobre las empresas y los derechos humanos",
        "the Guiding Principles on business and human rights",
    ),
    ("el cierre de minas y sus impactos sociales", "mine closure and its social impacts"),
    (
        "la respuesta a emergencias en las comunidades vecinas",
        "emergency response in neighbouring communities",
    ),
    ("la trata de personas en zonas de minería ilegal", "human trafficking in illegal mining areas"),
    ("la protesta social y su manejo pacífico", "social protest and its peaceful handling"),
    ("los estudios de impacto en derechos humanos", "human rights impact assessments"),
]

ACTORS = [
    ("las empresas extractivas", "extractive companies"),
    ("la policía nacional", "the national police"),
    ("las organizaciones de la sociedad civil", "civil society organisations"),
    ("los gobiernos regionales", "regional governments"),
    ("las comunidades campesinas", "peasant communities"),
    ("las empresas de seguridad privada", "private security companies"),
    ("la defensoría del pueblo", "the ombudsman's office"),
    ("las embajadas observadoras", "the observer embassies"),
    ("los mineros artesanales", "artisanal miners"),
    ("las universidades de la región", "the region's universities"),
    ("las organizaciones de mujeres", "women's organisations"),
    ("los pueblos indígenas", "indigenous peoples"),
]

RECOMMENDATIONS = [
    ("acordar protocolos comunes de seguridad", "agreeing common security protocols"),
    ("publicar los convenios de apoyo policial", "publishing the police support agreements"),
    ("capacitar cada año al personal de seguridad", "training security staff every year"),
    ("crear una mesa técnica permanente", "setting up a standing technical committee"),
    ("incluir a las mujeres en los comités de vigilancia", "including women in the monitoring committees"),
    (
        "registrar y responder a cada queja en un plazo fijo",
        "recording and answering every complaint within a set time",
    ),
    ("evaluar los riesgos antes de cada operación", "assessing the risks before each operation"),
    ("compartir la información en lenguas originarias", "sharing information in indigenous languages"),
    ("medir los avances con indicadores públicos", "measuring progress with public indicators"),
    (
        "coordinar las visitas de campo con las autoridades locales",
        "coordinating field visits with the local authorities",
    ),
]

# Sentences of the documents' prose. {topic}, {actor}, {actor2}, {place}, {recommendation}, {number}, {year}.
SENTENCES = [
    (
        "El grupo de trabajo analizó {topic} en {place} durante {year}.",
        "The working group analysed {topic} in {place} during {year}.",
    ),
    (
        "Participaron {number} personas, entre ellas representantes de {actor}.",
        "{number} people took part, among them representatives of {actor}.",
    ),
    (
        "Las entrevistas mostraron poco conocimiento de {topic} entre {actor}.",
        "The interviews showed little knowledge of {topic} among {actor}.",
    ),
    ("Se recomienda {recommendation}.", "The report recommends {recommendation}."),
    (
        "Otra recomendación es {recommendation}, con el apoyo de {actor}.",
        "Another recommendation is {recommendation}, with the support of {actor}.",
    ),
    (
        "En {place}, {actor} y {actor2} firmaron un acta de compromisos.",
        "In {place}, {actor} and {actor2} signed a record of commitments.",
    ),
    (
        "El diálogo entre {actor} y {actor2} mejoró desde {year}.",
        "Dialogue between {actor} and {actor2} has improved since {year}.",
    ),
    (
        "Los Principios Voluntarios ofrecen un marco para {topic}.",
        "The Voluntary Principles offer a framework for {topic}.",
    ),
    ("La sesión dedicó una hora a {topic}.", "The session spent an hour on {topic}."),
    (
        "Se registraron {number} quejas relacionadas con {topic}.",
        "{number} complaints related to {topic} were recorded.",
    ),
    (
        "El informe describe las buenas prácticas de {actor} en {place}.",
        "The report describes the good practices of {actor} in {place}.",
    ),
    ("Quedan pendientes acuerdos sobre {topic}.", "Agreements on {topic} are still pending."),
    (
        "La próxima reunión revisará los avances para {recommendation}.",
        "The next meeting will review progress in {recommendation}.",
    ),
    (
        "Los datos se recogieron en {number} talleres realizados en {place}.",
        "The data were gathered in {number} workshops held in {place}.",
    ),
    (
        "La secretaría técnica distribuirá este documento a {actor}.",
        "The technical secretariat will send this document to {actor}.",
    ),
    (
        "El contexto de {place} exige atención especial a {topic}.",
        "The situation in {place} calls for particular attention to {topic}.",
    ),
]

SECTIONS = [
    ("Introducción", "Introduction"),
    ("Contexto", "Context"),
    ("Metodología", "Method"),
    ("Hallazgos", "Findings"),
    ("Recomendaciones", "Recommendations"),
    ("Próximos pasos", "Next steps"),
]


class Phrasebook:
    """Sentence pairs about one country (its places), drawn once from ``rng``, then combined into paragraphs:
    drawing each of a large library's million sentences afresh would take longer than storing the files."""

    def __init__(self, rng, places, size=1500):
        self.rng = rng
        self.pairs = [self.sentence(places) for _ in range(size)]

    def sentence(self, places):
        rng = self.rng
        spanish, english = rng.choice(SENTENCES)
        pairs = {
            "topic": rng.choice(TOPICS),
            "recommendation": rng.choice(RECOMMENDATIONS),
            **dict(zip(("actor", "actor2"), rng.sample(ACTORS, 2), strict=True)),
        }
        # The year stays a slot: each paragraph gets one fitting the record it describes.
        shared = {"place": rng.choice(places), "number": rng.randint(3, 90), "year": "{year}"}
        texts = []
        for index, template in enumerate((spanish, english)):
            text = template.format(**shared, **{name: pair[index] for name, pair in pairs.items()})
            texts.append(text[0].upper() + text[1:])
        return tuple(texts)

    def paragraph(self, sentences, years):
        """A paragraph of ``sentences`` sentences (Spanish, English) mentioning a year among ``years``."""
        pairs = self.rng.choices(self.pairs, k=sentences)
        year = str(self.rng.choice(years))
        return tuple(" ".join(pair[index] for pair in pairs).replace("{year}", year) for index in (0, 1))


# --- Countries and working groups ------------------------------------------------------------------------

RESOURCES = [  # (after "depende de", English)
    ("del cobre", "copper"),
    ("del oro", "gold"),
    ("de la plata", "silver"),
    ("del zinc", "zinc"),
    ("del litio", "lithium"),
    ("del estaño", "tin"),
    ("del carbón", "coal"),
    ("del gas natural", "natural gas"),
    ("del petróleo", "oil"),
    ("del hierro", "iron"),
]

MEETING_RHYTHMS = [
    ("cada mes", "monthly"),
    ("cada dos meses", "every two months"),
    ("cada trimestre", "every quarter"),
    ("dos veces al año", "twice a year"),
]


def country_introduction(rng, name):
    """What a country page says first: that it is fictitious, then its resources and the groups' concerns."""
    first, second, third = rng.sample(RESOURCES, 3)
    topic = rng.choice(TOPICS)
    people = rng.randint(2, 60)
    return (
        f"{name} es un país ficticio, inventado para los datos de demostración del portal.\n\n"
        f"Tiene unos {people} millones de habitantes y su economía depende en gran parte {first[0]}, "
        f"{second[0]} y {third[0]}. En las zonas de extracción, {topic[0]} preocupa por igual a las "
        "comunidades, a las empresas y a las autoridades.",
        f"{name} is a fictitious country, made up for the portal's demonstration data.\n\n"
        f"It has about {people} million inhabitants and its economy depends largely on {first[1]}, "
        f"{second[1]} and {third[1]}. In the extraction areas, {topic[1]} concerns communities, companies "
        "and authorities alike.",
    )


def group_overview(rng, place, year, founders):
    topic, other = rng.sample(TOPICS, 2)
    rhythm = rng.choice(MEETING_RHYTHMS)
    return (
        f"El grupo de {place} fue creado en {year} por {founders[0]}. Se reúne {rhythm[0]} para dialogar "
        f"sobre {topic[0]} y {other[0]}, y presenta cada año sus avances a las autoridades de la región.",
        f"The {place} group was created in {year} by {founders[1]}. It meets {rhythm[1]} to discuss "
        f"{topic[1]} and {other[1]}, and presents its progress to the region's authorities every year.",
    )


# --- Working groups, objectives, activities -------------------------------------------------------------

FOUNDERS = [
    (
        "organizaciones no gubernamentales, empresas y representaciones diplomáticas",
        "non-governmental organizations, companies and diplomatic representations",
    ),
    (
        "la defensoría del pueblo y organizaciones de la sociedad civil",
        "the ombudsman's office and civil society organisations",
    ),
    (
        "empresas mineras, el gobierno regional y universidades",
        "mining companies, the regional government and universities",
    ),
    (
        "organizaciones de base y la cooperación internacional",
        "grassroots organisations and international cooperation",
    ),
]

OBJECTIVES = [
    (
        "Promover el diálogo entre {actor} y {actor2} sobre {topic}.",
        "Promote dialogue between {actor} and {actor2} on {topic}.",
    ),
    (
        "Difundir los Principios Voluntarios entre {actor}.",
        "Raise awareness of the Voluntary Principles among {actor}.",
    ),
    ("Fortalecer las capacidades de {actor} en {topic}.", "Build the capacities of {actor} in {topic}."),
    ("Elaborar estudios sobre {topic} en la región.", "Produce studies on {topic} in the region."),
    ("Acompañar a {actor} en {topic}.", "Support {actor} in {topic}."),
    ("Incidir en políticas públicas sobre {topic}.", "Advocate for public policies on {topic}."),
]

ACTIVITIES = {
    "training": ("Taller sobre {topic}", "Workshop on {topic}"),
    "dialogue": ("Conversatorio sobre {topic}", "Discussion on {topic}"),
    "study": ("Estudio sobre {topic}", "Study on {topic}"),
    "advocacy": ("Incidencia sobre {topic}", "Advocacy on {topic}"),
    "field_work": ("Visita de campo a {place}", "Field visit to {place}"),
    "dissemination": ("Difusión de materiales sobre {topic}", "Dissemination of materials on {topic}"),
    "institutional_visit": ("Visita a la comisaría de {place}", "Visit to the {place} police station"),
    "experience_sharing": ("Intercambio de experiencias con {place}", "Experience sharing with {place}"),
    "coordination": ("Reunión de coordinación en {place}", "Coordination meeting in {place}"),
}


def filled(pair, rng, places, **extra):
    """A Spanish and English template pair with its slots filled alike, capitalised."""
    topic = rng.choice(TOPICS)
    actor, actor2 = rng.sample(ACTORS, 2)
    values = [
        {"topic": topic[i], "actor": actor[i], "actor2": actor2[i], "place": rng.choice(places), **extra}
        for i in range(2)
    ]
    values[1]["place"] = values[0]["place"]
    texts = [template.format(**values[i]) for i, template in enumerate(pair)]
    return tuple(text[0].upper() + text[1:] for text in texts)


# --- Documents: (type slug, Spanish title, English title) --------------------------------------------------

DOCUMENT_TYPES = [
    # The four of the Peru content (groups/seed_peru.py), reused as they are, then types of our own.
    ("national-model", None, None),
    ("stakeholder-mapping", None, None),
    ("study", None, None),
    ("guidance", None, None),
    ("terms-of-reference", "Términos de referencia", "Terms of reference"),
    ("minutes", "Acta de sesión", "Meeting minutes"),
    ("annual-report", "Informe anual", "Annual report"),
    ("presentation", "Presentación", "Presentation"),
]

TITLES = {
    "national-model": [("Modelo de {country} para {topic}", "The {country} model for {topic}")],
    "stakeholder-mapping": [
        ("Mapeo de actores de {place}: {topic}", "Stakeholder mapping of {place}: {topic}")
    ],
    "study": [
        ("Estudio sobre {topic} en {place}", "A study of {topic} in {place}"),
        ("Diagnóstico de {topic} en {place} ({year})", "An assessment of {topic} in {place} ({year})"),
    ],
    "guidance": [("Guía para {actor} sobre {topic}", "Guidance for {actor} on {topic}")],
    "terms-of-reference": [
        (
            "Términos de referencia del grupo de trabajo de {place} ({year})",
            "Terms of reference of the {place} working group ({year})",
        ),
    ],
    "minutes": [
        ("Acta de la sesión {number} de {year}: {topic}", "Minutes of session {number} of {year}: {topic}"),
    ],
    "annual-report": [
        (
            "Informe anual {year} del grupo de trabajo de {place}",
            "{year} annual report of the {place} working group",
        ),
    ],
    "presentation": [("Presentación: {topic}", "Presentation: {topic}")],
}


def document_title(rng, type_slug, country, places, year):
    return filled(
        rng.choice(TITLES[type_slug]), rng, places, country=country, year=year, number=rng.randint(1, 12)
    )
