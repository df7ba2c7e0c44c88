"""pydantic's validation errors reworded as sentences that say what is wrong and how to fix it."""

import re

from pydantic import BaseModel

FIXES = {
    "string_type": "must be text (put it in quotes)",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list, e.g. [a, b] or lines starting with '- '",
    "date_type": "must be a date written YYYY-MM-DD",
    "model_type": "must be a mapping of 'field: value' lines",
    "dict_type": "must be a mapping of 'field: value' lines",
}


def explain(error: dict, model: type[BaseModel]) -> str:
    """Turn one pydantic error into a sentence that says what is wrong and how to fix it."""
    field = _field_path(error["loc"])
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"missing required field '{field}': add it"
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_at(model, error["loc"][:-1]).model_fields)
        return f"unknown field '{field}': remove it or fix its spelling (fields: {allowed})"
    if value is None:
        return f"'{field}' is empty: fill it in or remove the line"
    if kind == "literal_error":
        return f"{field} '{value}' is not allowed: use one of {context['expected']}"
    if kind == "string_pattern_mismatch" and error["loc"][-1] == "published":
        return f"{field} '{value}' is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when that is all the article gives"
    if kind == "string_pattern_mismatch" and error["loc"][-1] == "verified_at":
        return f"{field} '{value}' is not a web address: give the https:// address of the record the numbers come from"
    if kind == "string_pattern_mismatch":
        return f"{field} '{value}' is not a valid id: use lowercase letters, digits and hyphens, e.g. 'knee-pain'"
    if kind == "string_too_short":
        return f"'{field}' is empty: fill it in or remove the line"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{field} is {value}: it must be {_bound(kind, context)}"
    if kind in FIXES:
        return f"{field} {FIXES[kind]}, not {_show(value)}"
    return f"{field}: {error['msg']}"


def explain_all(errors: list[dict], model: type[BaseModel], entry: dict) -> list[tuple[tuple, str]]:
    """(field path, sentence) for each of an entry's errors. Fields of a list's items written
    flush with the entry's own fields (an evidence link's relation at the claim's indentation)
    are one mistake, said once where they start, not as unknown fields plus the required fields
    their item then lacks."""
    for list_field, item_model in _item_lists(model):
        misplaced = [e["loc"][0] for e in errors if e["type"] == "extra_forbidden" and len(e["loc"]) == 1
                     and e["loc"][0] in item_model.model_fields]
        if misplaced:
            follow_on = [e for e in errors if _repeats(e, list_field, misplaced)]
            first = min(misplaced, key=lambda name: entry.key_lines.get(name, 0))
            said = _misplaced_message(misplaced, model, entry, list_field, item_model)
            return [((first,), said)] + [(e["loc"], explain(e, model)) for e in errors if e not in follow_on]
    return [(e["loc"], explain(e, model)) for e in errors]


def _item_lists(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """The fields of model that are lists of entries of another model (a claim's evidence)."""
    found = []
    for name, info in model.model_fields.items():
        inner = getattr(info.annotation, "__args__", (None,))[0]
        if getattr(info.annotation, "__origin__", None) is list and isinstance(inner, type) and issubclass(inner, BaseModel):
            found.append((name, inner))
    return found


def _repeats(error: dict, list_field: str, misplaced: list[str]) -> bool:
    """Whether an error only follows from fields of the list's items written at the entry's level:
    the misplaced fields themselves, the list left empty, or an item missing one of them."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden" and len(loc) == 1:
        return loc[0] in misplaced
    if loc == (list_field,):
        return error.get("input") is None
    return error["type"] == "missing" and loc[0] == list_field and loc[-1] in misplaced


def _misplaced_message(misplaced: list[str], model: type[BaseModel], entry: dict, list_field: str,
                       item_model: type[BaseModel]) -> str:
    one = len(misplaced) == 1
    item_name = re.sub(r"(?<!^)(?=[A-Z])", " ", item_model.__name__).lower()  # EvidenceLink -> evidence link
    head = f"{_and_list(misplaced)} {'belongs' if one else 'belong'} to {'an' if item_name[0] in 'aeiou' else 'a'} {item_name}"
    first_field = next(iter(item_model.model_fields))
    above = _item_above(entry, list_field, min(entry.key_lines.get(name, 0) for name in misplaced))
    if first_field in misplaced or above is None:  # a whole item, or fields with no item to go to
        return (f"{head}: write {'it' if one else 'them'} as an item of {list_field}: '- {first_field}: ...' indented under "
                f"'{list_field}:', the other fields lined up with '{first_field}'")
    line, item = above
    spaces = getattr(item, "column", 0) - getattr(entry, "column", 0)
    return (f"{head}: indent {'it' if one else 'them'} under {'its' if one else 'their'} '- {first_field}:' line (line {line}), "
            f"{spaces} more spaces than the {model.__name__.lower()}'s fields")


def _item_above(entry: dict, list_field: str, line: int) -> tuple[int, dict] | None:
    """The last item of the entry's list that starts above line, with its line (None if none)."""
    items = entry.get(list_field)
    lines = getattr(items, "item_lines", None) or []
    above = [(at, item) for at, item in zip(lines, items or [], strict=False) if at < line and isinstance(item, dict)]
    return above[-1] if above else None


def _and_list(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _field_path(loc: tuple) -> str:
    path = ""
    for step in loc:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path or "entry"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model of the nested entry at loc (an evidence link inside a claim), for its field names."""
    for step in loc:
        if isinstance(step, str) and step in model.model_fields:
            annotation = model.model_fields[step].annotation
            inner = getattr(annotation, "__args__", (annotation,))[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                model = inner
    return model


def _bound(kind: str, context: dict) -> str:
    return f"at least {context['ge']}" if kind == "greater_than_equal" else f"at most {context['le']}"


def _show(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
