"""pydantic's validation errors reworded as sentences that say what is wrong and how to fix it."""

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
