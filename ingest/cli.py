"""Command line: python -m ingest build | check."""

import sqlite3
import sys
from pathlib import Path

import click

from ingest import __version__
from ingest.enrich import DEFAULT_BASE_URLS
from ingest.problems import InputError

# Each command imports what it needs when it runs: `build` should not pay for citeproc or requests.

bib_option = click.option(
    "--bib", type=click.Path(path_type=Path), default="references.bib", show_default=True,
    help="BibTeX file of the studies.",
)
built_db_option = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default="evidence.db", show_default=True,
    help="SQLite database built by `build`.",
)
data_option = click.option(
    "--data", type=click.Path(file_okay=False, path_type=Path), default="data", show_default=True,
    help="Folder of the curated YAML files.",
)


@click.group()
@click.version_option(__version__, prog_name="ingest")
def cli():
    """Build the evidence knowledge base from references.bib and the YAML files in data/."""


@cli.command()
@bib_option
@data_option
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default="evidence.db", show_default=True,
              help="SQLite database to write.")
@click.option("--force", is_flag=True, help="Build even if nothing changed since the last build.")
def build(bib: Path, data: Path, db: Path, force: bool):
    """Validate the inputs and build the SQLite database.

    The database is written to a temporary file and swapped in only when complete: if any
    input has a problem, every problem is listed and the existing database is left as it was.

    Example: python -m ingest build --db evidence.db
    """
    from ingest.load.digest import built_digest, inputs_digest

    digest = inputs_digest(bib, data)
    if not force and built_digest(db) == digest:
        from ingest.load.atomic import remove_abandoned_temporaries

        remove_abandoned_temporaries(db)  # a killed build's leftovers go even when nothing is rebuilt
        click.echo(f"{db} is up to date: references.bib, {data}/ and the code are unchanged since it was built.")
        return
    inputs = _read_or_exit(bib, data, f"{db} was not changed")
    from ingest.load.build import build_database  # after reading: sqlite-utils is not needed to parse
    try:
        counts = build_database(inputs, db, input_digest=digest)
    except OSError as error:
        raise click.ClickException(f"cannot write {db}: {error.strerror or error}; check the folder is writable") from None
    except sqlite3.DatabaseError as error:  # the disk filled up, or the folder's file system failed
        what = "the disk is full" if "full" in str(error) else f"SQLite said: {error}"
        raise click.ClickException(f"cannot write {db}: {what}; {db} was not changed: free some space or fix the folder, "
                                   "then build again") from None
    tables = ("studies", "claims", "claim_evidence", "treatments", "conditions", "sources")
    click.echo(f"Built {db}: " + ", ".join(f"{counts[t]} {t.replace('_', ' ')}" for t in tables))


@cli.command()
@bib_option
@data_option
def check(bib: Path, data: Path):
    """Validate the inputs without writing anything.

    Example: python -m ingest check --bib references.bib --data data
    """
    inputs = _read_or_exit(bib, data, "nothing was written")
    click.echo(f"{bib} and {data}/ are valid: {_summary(inputs)}")


@cli.command()
@built_db_option
def report(db: Path):
    """Print the coverage report: evidence per treatment, claims with no study, totals.

    It reads a built database, so run `build` (or `make ingest`) first.

    Example: python -m ingest report --db evidence.db
    """
    from ingest.export.report import coverage_report

    click.echo(coverage_report(_built(db)), nl=False)


@cli.command(name="cite")
@click.argument("target")
@click.option("--format", "format_", type=click.Choice(["bibtex", "csl", "md"]), default="md", show_default=True,
              help="md: numbered list in AMA style; bibtex: the original entries; csl: CSL-JSON.")
@built_db_option
def cite_pack(target: str, format_: str, db: Path):
    """Print the references behind a claim, a treatment or a study, ready to paste.

    TARGET is a claim id or a treatment id. Studies come strongest evidence first.

    Example: python -m ingest cite prp --format bibtex
    """
    import json

    import sqlite_utils

    from ingest.export import cite

    database = sqlite_utils.Database(_built(db))
    if not database.execute(cite.TARGET_EXISTS, {"target": target}).fetchone()[0]:
        raise click.ClickException(f"no claim, treatment or study has the id '{target}': use an id from the claims or treatments table, or a study's key")
    studies = list(database.query(cite.STUDIES_FOR_TARGET, {"target": target}))
    authors = list(database.query(cite.AUTHORS, {"keys": json.dumps([study["key"] for study in studies])}))
    click.echo(cite.RENDERERS[format_](studies, cite.csl_items(studies, authors)), nl=False)


@cli.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
def diff(old: Path, new: Path):
    """List the claims whose verdict differs between two builds, with the reasons before and after.

    Example: python -m ingest diff evidence-before.db evidence.db
    """
    import sqlite3
    from collections import Counter

    from tabulate import tabulate

    from ingest.load import history

    try:
        changes = history.diff_databases(_built(old), _built(new))
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"cannot compare {old} and {new} ({error}): rebuild both with this version") from None
    if not changes:
        click.echo("No claim changed its verdict.")
        return
    click.echo(tabulate(changes, headers="keys", tablefmt="github", missingval=""))
    counts = Counter(change["change"] for change in changes)
    click.echo("\n" + ", ".join(f"{counts[kind]} {kind}" for kind in ("verdict changed", "new claim", "claim removed") if counts[kind]))


@cli.command()
@bib_option
@data_option
@click.option("--mailto", envvar="EVIDENCE_CONTACT_EMAIL", show_envvar=True,
              help="Contact address sent to Crossref and NCBI, as both ask (required).")
@click.option("--ncbi-api-key", envvar="NCBI_API_KEY", show_envvar=True, help="Optional NCBI API key (raises its rate limit).")
@click.option("--refresh", is_flag=True, help="Fetch again even what is cached.")
@click.option("--only", multiple=True, metavar="CITEKEY", help="Enrich only these references (repeatable).")
@click.option("--crossref-url", envvar="CROSSREF_API_URL", default=DEFAULT_BASE_URLS["crossref"], show_default=True, hidden=True)
@click.option("--pubmed-url", envvar="PUBMED_API_URL", default=DEFAULT_BASE_URLS["pubmed"], show_default=True, hidden=True)
def enrich(bib, data, mailto, ncbi_api_key, refresh, only, crossref_url, pubmed_url):
    """Fetch DOIs, PMIDs, abstracts, publication types, MeSH terms and retraction notices.

    Asks Crossref and PubMed about each reference in references.bib and keeps every answer under
    data/enrichment/ (commit it): `build` reads only that cache, so anyone rebuilds offline.
    What is cached is not asked again unless --refresh. Exits non-zero only when nothing it
    had to fetch could be fetched.

    Example: EVIDENCE_CONTACT_EMAIL=you@example.org python -m ingest enrich
    """
    from ingest.enrich import http, run
    from ingest.read.bibtex import parse_bibtex

    if not mailto:
        raise click.ClickException("no contact address: set EVIDENCE_CONTACT_EMAIL or pass --mailto (Crossref and NCBI ask for one)")
    references, problems, _ = parse_bibtex(bib)
    if problems:
        _exit_with_problems(problems, "nothing was fetched")
    if only:
        references = [reference for reference in references if reference.key in set(only)]
    client = http.Client(contact=mailto, ncbi_api_key=ncbi_api_key, base_urls={"crossref": crossref_url, "pubmed": pubmed_url})
    with click.progressbar(references, label="Enriching", file=sys.stderr, item_show_func=lambda r: r.key if r else "") as bar:
        report = run.enrich(bar, data / "enrichment", client, refresh=refresh)
    for key, what, message in report.failures:
        click.echo(f"{bib}: {key}: {what}: {message}", err=True)
    click.echo(f"Enriched {len(references)} references: {report.fetched} answers fetched, "
               f"{report.from_cache} from the cache, {len(report.failures)} failed.")
    if report.failures and report.fetched == 0:
        raise SystemExit(1)


@cli.command(name="split-claims")
@data_option
def split_claims(data: Path):
    """Move the claims of data/claims.yml into data/claims/<source>.yml, one file per source article.

    Each claim moves as written, with the comments above it; data/claims.yml is removed once every
    new file is written. Nothing is written if a claim has no valid source or a target file exists.

    Example: python -m ingest split-claims --data data
    """
    from ingest.curate.split import split_claims as split

    try:
        written = split(data)
    except InputError as error:
        _exit_with_problems(error.problems, "nothing was moved")
    for path, count in written.items():
        click.echo(f"{path}: {count} claim{'s' if count != 1 else ''}")
    click.echo(f"{data / 'claims.yml'} removed: its claims are in the files above. Run `make ingest` to check and build.")


@cli.command(name="new-claim")
@click.argument("source")
@click.argument("words")
@data_option
def new_claim(source: str, words: str, data: Path):
    """Start a claim quoting the sentence of SOURCE's article that contains WORDS.

    WORDS are a few words of the sentence, as they come (case, spaces and curly or straight quotes
    aside). The whole sentence becomes the quote of a claim appended to data/claims/SOURCE.yml, with
    an id, the condition and treatments it names, and TODO where you write the rest. Several
    sentences match: they are listed, with their lines, and nothing is written.

    Example: python -m ingest new-claim lombard-pfps-runners "weakness here allows"
    """
    from ingest.curate.new import NotOneSentence, new_claim

    try:
        written = new_claim(data, source, words)
    except InputError as error:
        _exit_with_problems(error.problems, "nothing was written")
    except NotOneSentence as refusal:
        for line in refusal.lines:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    details = written.details
    click.echo(f"{written.path}:{written.line}: claim '{written.entry}' added, quoting {details['text_file']}:{details['text_line']}:")
    click.echo(f"  {details['quote']}")
    click.echo(f"  condition: {details['condition']}; treatments: {', '.join(details['treatments']) or 'none named'}")
    if details["quoted by"]:
        click.echo(f"  already quoted, in part or whole, by: {', '.join(details['quoted by'])}: check the claim is a new one")
    click.echo("Next: write its text and claim_type (they say TODO), add evidence links or an evidence_gap, then run make check.")


@cli.command(name="new-source")
@click.argument("identity", metavar="ID")
@click.option("--title", required=True, help="The article's title.")
@click.option("--kind", required=True, help="What sort of article it is: clinic, blog, ... (kind in data/README.md).")
@click.option("--url", help="Where it was published, only if known.")
@click.option("--author", help="Who wrote it, as the article gives it.")
@click.option("--publisher", help="The organisation or site that published it.")
@click.option("--published", metavar="YYYY-MM-DD", help="Its date, only if the article states it (YYYY-MM or YYYY if that is all).")
@click.option("--conflict-of-interest", help="E.g. the publisher sells the treatment it recommends.")
@click.option("--text", "text_file", required=True, type=click.Path(path_type=Path), help="A plain-text (UTF-8) copy of the article.")
@data_option
def new_source(identity: str, text_file: Path, data: Path, **fields):
    """Add source ID: its entry in data/sources.yml, its text in data/sources/ID.txt, and an empty
    data/claims/ID.yml for its claims (python -m ingest new-claim ID "..." starts each).

    Nothing is written if the id is taken or not a slug, a file would be overwritten, or the text
    is not readable UTF-8.

    Example: python -m ingest new-source smith-knee-blog --title "Knee pain" --kind blog --text ~/smith.txt
    """
    from ingest.curate.new import new_source

    try:
        written = new_source(data, identity, text_file, fields)
    except InputError as error:
        _exit_with_problems(error.problems, "nothing was written")
    click.echo(f"{written.path}:{written.line}: source '{identity}' added")
    click.echo(f"{written.details['text']}: the article's text, copied from {text_file}")
    click.echo(f"{written.details['claims']}: its claims, none yet")
    click.echo(f'Next: python -m ingest new-claim {identity} "a few words of a sentence", for each claim the article makes.')


@cli.command(name="new-study")
@click.argument("key")
@bib_option
@data_option
def new_study(key: str, bib: Path, data: Path):
    """Start the appraisal of reference KEY of references.bib in data/studies.yml.

    Its title, authors and year are written as a comment; design, population and metadata_status
    say TODO until you write them from the study itself.

    Example: python -m ingest new-study hossain2011foot
    """
    from ingest.curate.new_study import new_study

    try:
        written = new_study(bib, data, key)
    except InputError as error:
        _exit_with_problems(error.problems, "nothing was written")
    click.echo(f"{written.path}:{written.line}: study '{key}' added: {written.details['reference']}")
    hint = written.details["design hint"]
    click.echo(f"Next: write its design{f' (the title suggests {hint})' if hint else ''}, evidence_level, population and "
               "metadata_status (they say TODO), then run make check.")


def _built(db: Path) -> Path:
    if not db.is_file():
        raise click.ClickException(f"{db} not found: build it first with `make ingest` or `python -m ingest build`")
    return db


def _read_or_exit(bib: Path, data: Path, consequence: str):
    from ingest.check.inputs import read_inputs

    try:
        inputs = read_inputs(bib, data)
    except InputError as error:
        _exit_with_problems(error.problems, consequence)
    for warning in inputs.warnings:
        click.echo(str(warning), err=True)
    return inputs


# A file where everything is wrong (a truncated export, the wrong file) lists this many, then a total.
MAX_PROBLEMS_SHOWN_PER_FILE = 100


def _exit_with_problems(problems: list, consequence: str):
    shown: dict[str, int] = {}
    for problem in problems:
        shown[problem.path] = shown.get(problem.path, 0) + 1
        if shown[problem.path] <= MAX_PROBLEMS_SHOWN_PER_FILE:
            click.echo(str(problem), err=True)
    for path, found in shown.items():
        if found > MAX_PROBLEMS_SHOWN_PER_FILE:
            click.echo(f"{path}: {found - MAX_PROBLEMS_SHOWN_PER_FILE} more problems in this file, not listed: "
                       "fix those above and run again to see them", err=True)
    count = len(problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; {consequence}.", err=True)
    raise SystemExit(1)


def _summary(inputs) -> str:
    links = sum(len(claim.evidence) for claim in inputs.claims)
    return (
        f"{len(inputs.references)} references, {len(inputs.studies)} appraised studies, "
        f"{len(inputs.claims)} claims, {links} evidence links, {len(inputs.treatments)} treatments"
    )
