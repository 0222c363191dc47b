"""Search (articles/search.py): what each database needs to find words inside longer words.

- PostgreSQL: the pg_trgm extension and trigram GIN indexes on the very expressions
  Django's `icontains` writes (`UPPER(col::text) LIKE UPPER(%s)`), so `%word%` is found
  through an index instead of reading every body.
- SQLite: an FTS5 table with the trigram tokenizer (`articles_search`, rowid = article
  id; title, the summary lines joined, body), filled from the existing rows and kept in
  sync by triggers on the article and summary tables, so no Python code tends it.

Each half is a no-op on the other database (TrigramExtension already checks the vendor).
Note for later migrations: on SQLite, a migration that rebuilds `articles_article` or
`articles_summaryline` (Django copies the table and drops the old one) drops these
triggers with it; such a migration must run `SQLITE_TRIGGERS` again.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRESQL_INDEXES = [
    (
        "article_title_trgm",
        'CREATE INDEX IF NOT EXISTS "article_title_trgm" ON "articles_article" '
        'USING gin ((UPPER("title"::text)) gin_trgm_ops)',
    ),
    (
        "article_body_trgm",
        'CREATE INDEX IF NOT EXISTS "article_body_trgm" ON "articles_article" '
        'USING gin ((UPPER("body"::text)) gin_trgm_ops)',
    ),
    (
        "summaryline_text_trgm",
        'CREATE INDEX IF NOT EXISTS "summaryline_text_trgm" ON "articles_summaryline" '
        'USING gin ((UPPER("text"::text)) gin_trgm_ops)',
    ),
]

SQLITE_TABLE = (
    'CREATE VIRTUAL TABLE IF NOT EXISTS "articles_search" '
    "USING fts5(title, summary, body, tokenize = 'trigram')"
)

# The summary column holds an article's summary lines, one per line; each trigger
# recomputes it from the summary table. (Plain literals: nothing here is ever formatted.)
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS "articles_search_article_insert"
        AFTER INSERT ON "articles_article" BEGIN
            INSERT INTO "articles_search" (rowid, title, summary, body)
            VALUES (
                NEW."id",
                NEW."title",
                (SELECT COALESCE(group_concat("text", char(10)), '') FROM "articles_summaryline"
                 WHERE "article_id" = NEW."id"),
                NEW."body"
            );
        END""",
    """CREATE TRIGGER IF NOT EXISTS "articles_search_article_update"
        AFTER UPDATE OF "title", "body" ON "articles_article" BEGIN
            UPDATE "articles_search" SET title = NEW."title", body = NEW."body"
            WHERE rowid = NEW."id";
        END""",
    """CREATE TRIGGER IF NOT EXISTS "articles_search_article_delete"
        AFTER DELETE ON "articles_article" BEGIN
            DELETE FROM "articles_search" WHERE rowid = OLD."id";
        END""",
    """CREATE TRIGGER IF NOT EXISTS "articles_search_summary_insert"
        AFTER INSERT ON "articles_summaryline" BEGIN
            UPDATE "articles_search" SET summary = (
                SELECT COALESCE(group_concat("text", char(10)), '') FROM "articles_summaryline"
                WHERE "article_id" = NEW."article_id"
            ) WHERE rowid = NEW."article_id";
        END""",
    """CREATE TRIGGER IF NOT EXISTS "articles_search_summary_update"
        AFTER UPDATE ON "articles_summaryline" BEGIN
            UPDATE "articles_search" SET summary = (
                SELECT COALESCE(group_concat("text", char(10)), '') FROM "articles_summaryline"
                WHERE "article_id" = OLD."article_id"
            ) WHERE rowid = OLD."article_id";
            UPDATE "articles_search" SET summary = (
                SELECT COALESCE(group_concat("text", char(10)), '') FROM "articles_summaryline"
                WHERE "article_id" = NEW."article_id"
            ) WHERE rowid = NEW."article_id";
        END""",
    """CREATE TRIGGER IF NOT EXISTS "articles_search_summary_delete"
        AFTER DELETE ON "articles_summaryline" BEGIN
            UPDATE "articles_search" SET summary = (
                SELECT COALESCE(group_concat("text", char(10)), '') FROM "articles_summaryline"
                WHERE "article_id" = OLD."article_id"
            ) WHERE rowid = OLD."article_id";
        END""",
]

SQLITE_FILL = """
    INSERT INTO "articles_search" (rowid, title, summary, body)
    SELECT
        a."id",
        a."title",
        (SELECT COALESCE(group_concat(s."text", char(10)), '') FROM "articles_summaryline" s
         WHERE s."article_id" = a."id"),
        a."body"
    FROM "articles_article" a
"""

SQLITE_TRIGGER_NAMES = [
    "articles_search_article_insert",
    "articles_search_article_update",
    "articles_search_article_delete",
    "articles_search_summary_insert",
    "articles_search_summary_update",
    "articles_search_summary_delete",
]


def create_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for _name, sql in POSTGRESQL_INDEXES:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        schema_editor.execute('DELETE FROM "articles_search"')
        schema_editor.execute(SQLITE_FILL)
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def drop_search_structures(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, _sql in POSTGRESQL_INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGER_NAMES:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute('DROP TABLE IF EXISTS "articles_search"')


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editors_group")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_structures, drop_search_structures),
    ]
