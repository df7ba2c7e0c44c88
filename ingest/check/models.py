"""The shape of each curated YAML file, as strict pydantic models built from the vocabulary."""

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ingest.check import vocabulary as v

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Articles often give only a year or a month: YYYY, YYYY-MM or YYYY-MM-DD (quoted or not).
PartialDate = Annotated[
    str,
    BeforeValidator(lambda value: value.isoformat() if isinstance(value, datetime.date) else value),
    StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
]


def one_of(values) -> type:
    """A Literal type admitting exactly the vocabulary's values."""
    return Literal[tuple(values)]


class Strict(BaseModel):
    # strict: no silent coercion ("3" is not 3, "yes" is not true); forbid: a misspelt field is an error.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Source(Strict):
    id: Slug
    title: Text
    author: Text | None = None
    publisher: Text | None = None
    url: Text | None = None
    published: PartialDate | None = None
    kind: one_of(v.SOURCE_KINDS)
    conflict_of_interest: Text | None = None
    text_file: Text | None = None


class Condition(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = []
    description: Text | None = None


class Treatment(Strict):
    id: Slug
    name: Text
    category: one_of(v.TREATMENT_CATEGORIES)
    description: Text | None = None


class Study(Strict):
    key: Text
    design: one_of(v.DESIGNS)
    evidence_level: Annotated[int, Field(ge=1, le=5)] | None = None
    level_scheme: one_of(v.LEVEL_SCHEMES) = v.DEFAULT_LEVEL_SCHEME
    population: Text | None = None
    condition: Slug | None = None
    n_participants: Annotated[int, Field(ge=1)] | None = None
    pedro_score: Annotated[int, Field(ge=0, le=10)] | None = None
    pedro_url: Text | None = None
    retracted: bool = False
    metadata_status: one_of(v.METADATA_STATUSES)
    verified_at: list[Text] = []
    note: Text | None = None


class EvidenceLink(Strict):
    study: Text
    relation: one_of(v.RELATIONS)
    directness: one_of(v.DIRECTNESS)
    cited_by_source: bool = False
    finding: Text
    note: Text | None = None


class Claim(Strict):
    id: Slug
    source: Slug
    quote: Text
    text: Text
    claim_type: one_of(v.CLAIM_TYPES)
    condition: Slug
    stance: one_of(v.STANCES) = "for"
    treatments: list[Slug] = []
    tags: list[Text] = []
    evidence: list[EvidenceLink] = []

