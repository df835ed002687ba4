"""Words as the site search reads them, the same on both engines: folded (lower case, accents gone), split
into words, and, for SQLite's prefix queries, stemmed lightly.

PostgreSQL stems with its own Spanish and English dictionaries (the text search configurations of
groups/0004 and search/0001); SQLite's FTS5 has no stemmer, so a word is trimmed of its common Spanish and
English endings and looked up as a prefix: "capacitaciones" and "capacitación" both become ``capacit*``.
"""

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
# Endings trimmed for SQLite's prefix queries, longest first: plurals, gender, -ción/-ation, infinitives…
ENDINGS = sorted(
    (
        *("aciones", "iciones", "uciones", "amientos", "imientos", "amiento", "imiento", "idades"),
        *("mente", "acion", "icion", "ucion", "idad", "iones", "ales", "ion"),
        *("ations", "ation", "ings", "ing", "ies", "ied", "ed", "ly"),
        *("ias", "ia", "ar", "er", "ir"),
        *("es", "os", "as", "a", "o", "e", "s", "y"),
    ),
    key=len,
    reverse=True,
)
SHORTEST_STEM = 4
# Words too common to narrow a search, which PostgreSQL's dictionaries drop too; on SQLite a query of these
# alone finds nothing, as on PostgreSQL.
STOP_WORDS = frozenset(
    "a al con de del el en la las lo los o para por que se su sus un una y "
    "an and as at by for from in is it of on or the to with".split()
)
# A misspelt name: a word of at least TYPO_LENGTH letters one letter off (one missing, one too many, one
# wrong, or two swapped); two off for names of LONG_NAME letters or more.
TYPO_LENGTH = 5
LONG_NAME = 9


def fold(text):
    """``text`` in lower case without accents: "Perú" and "PERU" are both "peru"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text):
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


def stem(word):
    """A folded word without its common ending, as long as SHORTEST_STEM letters remain."""
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word


def stems(text):
    """The stems of ``text``'s words that narrow a search (not its stop words), each once, in order."""
    return list(dict.fromkeys(stem(word) for word in words(text) if word not in STOP_WORDS))


def closest_name(word, vocabulary):
    """The name word of ``vocabulary`` (folded words) that ``word`` (folded) is a misspelling of, or None:
    the closest, the first in ``vocabulary``'s order among equals."""
    vocabulary = list(vocabulary)
    if word in vocabulary or len(word) < TYPO_LENGTH - 1:
        return None
    best, closest = None, 3
    for name in vocabulary:
        allowed = 2 if len(name) >= LONG_NAME else 1
        if len(name) >= TYPO_LENGTH and abs(len(name) - len(word)) <= allowed:
            distance = edits(word, name, min(allowed, closest - 1))
            if distance <= allowed and distance < closest:
                best, closest = name, distance
    return best


def edits(a, b, most):
    """How many letters ``a`` and ``b`` differ by (missing, added, changed, two swapped), or ``most`` + 1 if
    more than ``most``."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
    return min(current[len(b)], most + 1)
