"""The shape of each curated YAML file, as strict pydantic models built from the vocabulary."""

import dataclasses
import datetime
import functools
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ingest.check import vocabulary as v

Slug = Annotated[str, StringConstraints(pattern=v.SLUG_PATTERN)]
# A web address a reader can open: pages link to it.
WebAddress = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s]+$")]
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
    synonyms: list[Text] = []  # other names a reader may search for (the search page finds the treatment by them)


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


Number = Annotated[float, BeforeValidator(lambda value: float(value) if isinstance(value, int) and not isinstance(value, bool) else value)]


class Effect(Strict):
    """An effect for the link's outcome, as a record states it: never estimated or recalculated."""

    measure: Text | None = None
    estimate: Number | None = None
    ci_low: Number | None = None
    ci_high: Number | None = None
    participants: Annotated[int, Field(ge=1)] | None = None
    quote: Text
    verified_at: WebAddress


class EvidenceLink(Strict):
    study: Text
    relation: one_of(v.RELATIONS)
    directness: one_of(v.DIRECTNESS)
    cited_by_source: bool = False
    finding: Text
    note: Text | None = None
    tested: list[Slug] | None = None
    comparator: one_of(v.COMPARATORS) | None = None
    result: one_of(v.RESULTS) | None = None
    outcome: one_of(v.OUTCOMES) | None = None
    horizon: one_of(v.HORIZONS) | None = None
    level: Annotated[int, Field(ge=1, le=5)] | None = None
    effect: Effect | None = None


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
    # For a claim no study in the knowledge base answers: what kind of study would, said so that
    # "no evidence" reads as a gap someone looked at, not a claim nobody checked.
    evidence_gap: Text | None = None


class Rating(Strict):
    rate_down: Annotated[int, Field(ge=0, le=2)]
    reason: Text


class Certainty(Strict):
    """A curator's GRADE judgements for one treatment, outcome and horizon (data/certainty.yml)."""

    treatment: Slug
    outcome: one_of(v.OUTCOMES)
    horizon: one_of(v.HORIZONS) | None = None
    risk_of_bias: Rating | None = None
    inconsistency: Rating | None = None
    indirectness: Rating | None = None
    imprecision: Rating | None = None
    publication_bias: Rating | None = None
    source: Text | None = None
    quote: Text | None = None
    verified_at: WebAddress | None = None
    note: Text | None = None

    @property
    def key(self) -> str:
        """What a judgement is for, unique in the file: treatment/outcome/horizon."""
        return f"{self.treatment}/{self.outcome}/{self.horizon or 'any time'}"


def compact(record: BaseModel):
    """A validated record as a slotted, frozen dataclass with the same fields (lists as tuples),
    nested records compacted too.

    pydantic keeps about a kilobyte of bookkeeping beside each instance (a __dict__ and the set of
    fields given): 700 MB for the claims and studies of 100,000 studies, all held until the database
    is written. Properties of the model (Certainty.key) come along."""
    return _compact_value(record)


def _compact_value(value):
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return _compact_class(type(value))(*[_compact_value(getattr(value, name)) for name in fields])
    if isinstance(value, list):
        return tuple(_compact_value(item) for item in value)
    return value


@functools.cache
def _compact_class(model: type[BaseModel]) -> type:
    properties = {name: member for name, member in vars(model).items() if isinstance(member, property)}
    return dataclasses.make_dataclass(model.__name__, list(model.model_fields), namespace=properties, frozen=True, slots=True)
