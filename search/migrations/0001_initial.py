"""The site search's index (search/models.py): one entry per public record, and what each engine matches
it by (search/queries.py).

- PostgreSQL: the trigram extension (pg_trgm, part of Debian's postgresql package); a text search
  configuration for names, unstemmed, without accents nor Spanish and English stop words (Spanish and English
  texts use groups/0004's); the records' vectors kept inside their rows (storage MAIN: ranking thousands of
  matches does not fetch each from the TOAST table), GIN-indexed kind by kind, their titles' words (weight
  A) indexed apart; the files' vectors in a column of their own, out of line (a search reading records
  never reads them), GIN-indexed; and a trigram index on the records' names for misspelt queries.
- SQLite: the FTS5 table ``search_entry_text`` (rowid = the entry's id), folding case and accents, and a
  trigger that deletes an entry's text with it.

Both are created only on their own engine: Django's model state knows nothing of them.
"""

from django.contrib.postgres.operations import TrigramExtension
import django.contrib.postgres.search
from django.db import migrations, models


KINDS = ("country", "group", "organization", "contact", "objective", "activity", "document")
POSTGRESQL = [
    (
        "CREATE TEXT SEARCH DICTIONARY names_spanish_stop "
        "(TEMPLATE = pg_catalog.simple, STOPWORDS = spanish, ACCEPT = false)",
        "DROP TEXT SEARCH DICTIONARY IF EXISTS names_spanish_stop",
    ),
    (
        "CREATE TEXT SEARCH DICTIONARY names_english_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = english)",
        "DROP TEXT SEARCH DICTIONARY IF EXISTS names_english_stop",
    ),
    (
        "CREATE TEXT SEARCH CONFIGURATION names_unaccent (COPY = pg_catalog.simple)",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS names_unaccent",
    ),
    (
        "ALTER TEXT SEARCH CONFIGURATION names_unaccent ALTER MAPPING FOR asciiword, asciihword, "
        "hword_asciipart, word, hword, hword_part WITH unaccent, names_spanish_stop, names_english_stop",
        None,
    ),
    (
        # Names folded as search/words.py folds them, in an index: unaccent() alone may not be indexed.
        "CREATE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$",
        "DROP FUNCTION IF EXISTS search_fold(text)",
    ),
    ("ALTER TABLE search_entry ALTER COLUMN vector SET STORAGE MAIN", None),
    # One index per kind: a search reads each kind's matches apart, up to a count, and a rare kind's are not
    # looked for among a common one's (search/queries.py). A new kind needs a migration adding its own.
    *(
        (
            f"CREATE INDEX search_entry_{kind}_vector ON search_entry USING gin (vector) "
            f"WHERE part = 0 AND kind = '{kind}'",
            f"DROP INDEX IF EXISTS search_entry_{kind}_vector",
        )
        for kind in KINDS
    ),
    (
        # The words of titles and names (weight A), for the best of a common word's many matches.
        "CREATE INDEX search_entry_titles ON search_entry USING gin (ts_filter(vector, '{a}')) WHERE part = 0",
        "DROP INDEX IF EXISTS search_entry_titles",
    ),
    (
        "CREATE INDEX search_entry_file_vector ON search_entry USING gin (file_vector)",
        "DROP INDEX IF EXISTS search_entry_file_vector",
    ),
    (
        "CREATE INDEX search_entry_names_trigrams ON search_entry USING gin (search_fold(names) gin_trgm_ops) "
        "WHERE part = 0 AND names <> ''",
        "DROP INDEX IF EXISTS search_entry_names_trigrams",
    ),
]
SQLITE = [
    (
        "CREATE VIRTUAL TABLE search_entry_text USING fts5(a, b, c, d, tokenize = 'unicode61 remove_diacritics 2')",
        "DROP TABLE IF EXISTS search_entry_text",
    ),
    (
        "CREATE TRIGGER search_entry_text_delete AFTER DELETE ON search_entry "
        "BEGIN DELETE FROM search_entry_text WHERE rowid = old.id; END",
        "DROP TRIGGER IF EXISTS search_entry_text_delete",
    ),
]
STATEMENTS = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def create(apps, schema_editor):
    for statement, _undo in STATEMENTS.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for _statement, undo in reversed(STATEMENTS.get(schema_editor.connection.vendor, ())):
        if undo:
            schema_editor.execute(undo)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("groups", "0004_search_configurations"),  # the unaccent dictionary, the Spanish and English ones
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite (CreateExtension checks the database vendor itself)
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('country', 'Country'), ('group', 'Working group'), ('organization', 'Organization'), ('contact', 'Contact'), ('objective', 'Objective'), ('activity', 'Activity'), ('document', 'Document')], max_length=20)),
                ('object_id', models.PositiveBigIntegerField(help_text="The record found (for a file's text: its document).")),
                ('part', models.PositiveBigIntegerField(default=0, help_text="0 for the record's own texts, else the document file whose text this entry holds.")),
                ('title_es', models.TextField(blank=True)),
                ('title_en', models.TextField(blank=True)),
                ('title_es_language', models.CharField(blank=True, max_length=5)),
                ('title_en_language', models.CharField(blank=True, max_length=5)),
                ('body_es', models.TextField(blank=True)),
                ('body_en', models.TextField(blank=True)),
                ('body_es_language', models.CharField(blank=True, max_length=5)),
                ('body_en_language', models.CharField(blank=True, max_length=5)),
                ('url_es', models.CharField(blank=True, max_length=500)),
                ('url_en', models.CharField(blank=True, max_length=500)),
                ('context_es', models.TextField(blank=True)),
                ('context_en', models.TextField(blank=True)),
                ('links', models.JSONField(blank=True, default=dict)),
                ('names', models.TextField(blank=True)),
                ('vector', django.contrib.postgres.search.SearchVectorField(null=True)),
                ('file_vector', django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
                'indexes': [models.Index(condition=models.Q(('part__gt', 0)), fields=['part'], name='search_entry_file_part')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'part'), name='search_entry_unique_part')],
            },
        ),
        migrations.RunPython(create, drop),
    ]
