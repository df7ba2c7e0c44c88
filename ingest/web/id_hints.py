"""Canned-query parameters that are ids (source, treatment, claim, target): when the value a
visitor entered is no id, the page says so and offers the ids they may have meant, instead of
an empty table that looks like an answer."""

# Where each parameter's value must be found (a cite pack's target in any of three): table, id
# column, what its rows are, and the column a visitor may have typed words of instead of the id.
SOURCES = ("sources", "id", "source", "title")
TREATMENTS = ("treatments", "id", "treatment", "name")
CLAIMS = ("claims", "id", "claim", "text")
STUDIES = ("studies", "key", "study", "title")
ID_PARAMETERS = {"source": [SOURCES], "treatment": [TREATMENTS], "claim": [CLAIMS], "target": [CLAIMS, TREATMENTS, STUDIES]}
MOST = 10  # ids offered per table; the table itself lists the rest


async def id_hints(db, args) -> list[dict]:
    """For each id parameter whose value is no id: the value, and per table the rows whose id or
    name contains it (or, when none does, the first rows), as (id, name), and whether there are more."""
    hints = []
    for parameter, places in ID_PARAMETERS.items():
        value = (args.get(parameter) or "").strip()
        if not value or await _is_an_id(db, value, places):
            continue
        offers = []
        for table, column, what, name in places:
            like = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            matches = await _pairs(db, f"select [{column}], [{name}] from [{table}] where [{column}] like :like escape '\\' "
                                       f"or [{name}] like :like escape '\\' order by [{column}] limit {MOST + 1}", {"like": like})
            close = bool(matches)
            if not close:
                matches = await _pairs(db, f"select [{column}], [{name}] from [{table}] order by [{column}] limit {MOST + 1}", {})
            offers.append({"table": table, "what": what, "close": close, "ids": matches[:MOST], "more": len(matches) > MOST})
        if any(offer["close"] for offer in offers):  # what they meant, not every table's first rows
            offers = [offer for offer in offers if offer["close"]]
        hints.append({"parameter": parameter, "value": value, "kinds": [what for _, _, what, _ in places], "offers": offers})
    return hints


async def _is_an_id(db, value: str, places) -> bool:
    for table, column, _, _ in places:
        if (await db.execute(f"select exists(select 1 from [{table}] where [{column}] = :value)", {"value": value})).rows[0][0]:
            return True
    return False


async def _pairs(db, sql: str, params: dict) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in (await db.execute(sql, params)).rows]
