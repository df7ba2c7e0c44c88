"""The search index of the /search page: one FTS5 table, search_fts, over treatments, claims and studies.

One row per thing a reader can open: its `kind` (treatment, claim, study) and `id` (not indexed),
then four indexed columns, weighted when ranking (RANK):

- title: a treatment's name, a claim's text, a study's title;
- body: a treatment's description, a claim's quote, a study's abstract, population, journal and note;
- evidence: a claim's evidence links, their findings and notes;
- terms: a treatment's id, category and synonyms; a claim's tags and the names and synonyms of its
  treatments; a study's short citation, authors, and the names and synonyms of the treatments it tested.

Synonyms are indexed with what is about the treatment (a claim's treatments, the treatments a
study tested) rather than added to the query: then "PRP" finds the trial titled "Platelet-Rich
Plasma ..." and "insoles" the claims about foot orthoses with one plain MATCH, ranked and
snippeted by FTS5 itself, and no visitor's text is ever turned into FTS syntax beyond quoting it.
Only the treatments a study tested lend it their names, as only they count for a treatment's verdict.

The porter tokenizer ignores word endings (stairs finds stair); remove_diacritics 2 lets Orscelik
find Örsçelik. claims_fts and studies_fts (schema.FULL_TEXT) stay as they were, for saved queries.
"""

import sqlite_utils

TABLE = "search_fts"
CREATE = f"""
create virtual table {TABLE} using fts5(
  kind unindexed, id unindexed, title, body, evidence, terms,
  tokenize = 'porter unicode61 remove_diacritics 2'
)
"""
# bm25 weights, one per column in order (kind and id are not indexed): a word in the title counts most.
RANK = "bm25(0, 0, 8.0, 2.0, 1.0, 4.0)"

# A treatment's name and synonyms, as one text.
NAMES = """
with names as (
  select t.id, t.name || coalesce('; ' || (select group_concat(s.value, '; ') from json_each(t.synonyms) s), '') as names
  from treatments t
)
"""
ROWS = {
    "treatment": """
select 'treatment', t.id, t.name, t.description, null,
  replace(t.id, '-', ' ') || '; ' || replace(t.category, '-', ' ')
    || coalesce('; ' || (select group_concat(s.value, '; ') from json_each(t.synonyms) s), '')
from treatments t
""",
    "claim": NAMES + """
select 'claim', c.id, c.text, c.quote,
  (select group_concat(e.finding || coalesce(' ' || e.note, ''), ' · ') from claim_evidence e where e.claim_id = c.id),
  nullif(trim(
    coalesce((select group_concat(replace(g.tag, '-', ' '), '; ') from claim_tags g where g.claim_id = c.id), '') || '; ' ||
    coalesce((select group_concat(n.names, '; ') from claim_treatments ct join names n on n.id = ct.treatment_id
              where ct.claim_id = c.id), ''), '; '), '')
from claims c
""",
    "study": NAMES + """
select 'study', st.key, st.title,
  nullif(trim(coalesce(st.abstract || ' · ', '') || coalesce(st.population || ' · ', '') || coalesce(st.journal || ' · ', '')
    || coalesce(st.note, ''), ' ·'), ''),
  null,
  nullif(trim(coalesce(st.short_citation, '') || '; ' || coalesce(st.authors, '') || '; ' ||
    coalesce((select group_concat(n.names, '; ') from names n
              where n.id in (select tt.treatment_id from tested_treatments tt where tt.study_key = st.key)), ''), '; '), '')
from studies st
""",
}


def create_search_index(db: sqlite_utils.Database) -> None:
    """Create and fill search_fts from the loaded tables, and set its ranking."""
    with db.conn:
        db.execute(CREATE)
        for sql in ROWS.values():
            db.execute(f"insert into {TABLE} (kind, id, title, body, evidence, terms) {sql.strip()}")
        db.execute(f"insert into {TABLE} ({TABLE}, rank) values ('rank', ?)", [RANK])
