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

Each kind's rows are written together, most important first (treatments tested by the most
studies, claims in reading order, studies by level of evidence, then size), and search_kinds
records each kind's run of rowids: the search page counts and ranks a kind's matches by rowid
range, with no read of the rows themselves, and lists the matches of a word so common that ranking
them all would cost seconds in this order instead (ingest/web/search.py).

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
order by (select count(distinct tt.study_key) from tested_treatments tt where tt.treatment_id = t.id) desc, t.id
""",
    "claim": NAMES + """
select 'claim', c.id, c.text, c.quote,
  (select group_concat(e.finding || coalesce(' ' || e.note, ''), ' · ') from claim_evidence e where e.claim_id = c.id),
  nullif(trim(
    coalesce((select group_concat(replace(g.tag, '-', ' '), '; ') from claim_tags g where g.claim_id = c.id), '') || '; ' ||
    coalesce((select group_concat(n.names, '; ') from claim_treatments ct join names n on n.id = ct.treatment_id
              where ct.claim_id = c.id), ''), '; '), '')
from claims c
order by c.position
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
order by st.evidence_level is null, st.evidence_level, st.n_participants is null, st.n_participants desc, st.key
""",
}


RANGES = "search_kinds"  # kind, first_rowid, last_rowid: where each kind's rows are in search_fts


def create_search_index(db: sqlite_utils.Database) -> None:
    """Create and fill search_fts from the loaded tables, each kind in its own run of rowids (noted
    in search_kinds), in the order the rows are written; and set its ranking."""
    with db.conn:
        db.execute(CREATE)
        db.execute(f"create table {RANGES} (kind text primary key, first_rowid integer, last_rowid integer)")
        last = 0
        for kind, sql in ROWS.items():
            added = db.execute(f"insert into {TABLE} (kind, id, title, body, evidence, terms) {sql.strip()}").rowcount
            db.execute(f"insert into {RANGES} values (?, ?, ?)", [kind, last + 1, last + added])
            last += added
        db.execute(f"insert into {TABLE} ({TABLE}, rank) values ('rank', ?)", [RANK])
