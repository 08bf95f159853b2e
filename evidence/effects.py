"""The rule for a study's effect data: what an editor or member may enter, and what it means.

Effect data is optional. When given, it names the outcome and the measure, and either

    the estimate with its 95 % confidence interval, or
    the raw data: means, SDs and group sizes (SMD, MD) or events and totals (RR, OR).

`effect_errors(values)` returns a message for each field that is wrong (no ORM, no request):
the model's clean() and the forms show them beside the fields.
"""

from evidence.choices import CONTINUOUS_MEASURES, RATIO_MEASURES, EffectMeasure

ESTIMATE_FIELDS = ("effect_estimate", "effect_ci_low", "effect_ci_high")
CONTINUOUS_FIELDS = (
    "effect_mean_1",
    "effect_sd_1",
    "effect_n_1",
    "effect_mean_2",
    "effect_sd_2",
    "effect_n_2",
)
BINARY_FIELDS = ("effect_events_1", "effect_n_1", "effect_events_2", "effect_n_2")
# Group by group, so that a form can lay them out as two rows: intervention, comparison.
RAW_FIELDS = tuple(
    f"effect_{name}_{side}" for side in ("1", "2") for name in ("mean", "sd", "events", "n")
)
REPORTED_FIELDS = ("effect_outcome", "effect_measure", *ESTIMATE_FIELDS)
EFFECT_FIELDS = (*REPORTED_FIELDS, *RAW_FIELDS)

GROUP = {"1": "intervention", "2": "comparison"}


def _given(values, name) -> bool:
    value = values.get(name)
    return value is not None and value != ""


def has_effect_data(values) -> bool:
    """Whether any effect field is filled in."""
    return any(_given(values, name) for name in EFFECT_FIELDS)


def _a(label: str) -> str:
    return f"{'An' if label[0] in 'aeiou' else 'A'} {label}"


def _number(value) -> str:
    return f"{value:g}"


def effect_errors(values) -> dict[str, str]:
    """One message per wrong field of `values` (a mapping of the EFFECT_FIELDS)."""
    if not has_effect_data(values):
        return {}
    errors = {}
    measure = values.get("effect_measure") or ""
    if not measure:
        errors["effect_measure"] = "Choose the measure the study's result is given in."
    if not str(values.get("effect_outcome") or "").strip():
        errors["effect_outcome"] = (
            "Name the outcome in words, e.g. “quadriceps cross-sectional area”."
        )
    estimate_given = [name for name in ESTIMATE_FIELDS if _given(values, name)]
    raw_given = [name for name in RAW_FIELDS if _given(values, name)]
    if estimate_given and raw_given:
        errors[raw_given[0]] = (
            "Give either the estimate with its 95 % CI or the raw data, not both: the "
            "estimate would be computed from the raw data."
        )
        return errors
    if not estimate_given and not raw_given:
        errors["effect_estimate"] = (
            "Give the estimate with its 95 % CI, or the raw data to compute it."
        )
        return errors
    if estimate_given:
        errors.update(_estimate_errors(values, measure))
    elif measure:
        errors.update(_raw_errors(values, measure))
    return errors


def _estimate_errors(values, measure) -> dict[str, str]:
    errors = {}
    for name, what in zip(ESTIMATE_FIELDS, ("the estimate", "the lower", "the upper"), strict=True):
        if not _given(values, name):
            errors[name] = (
                "Give the estimate too."
                if name == "effect_estimate"
                else f"Give {what} limit of the 95 % CI too."
            )
    if errors:
        return errors
    estimate, low, high = (float(values[name]) for name in ESTIMATE_FIELDS)
    if measure in RATIO_MEASURES:
        label = EffectMeasure(measure).label.lower()
        for name in ESTIMATE_FIELDS:
            if float(values[name]) <= 0:
                errors[name] = f"{_a(label)} is greater than 0 ({_number(float(values[name]))})."
        if errors:
            return errors
    if low > high:
        errors["effect_ci_high"] = (
            f"The upper limit ({_number(high)}) is below the lower one ({_number(low)})."
        )
    elif low == high:
        errors["effect_ci_high"] = "The two limits of the 95 % CI must differ."
    elif not low <= estimate <= high:
        errors["effect_estimate"] = (
            f"The 95 % CI ({_number(low)} to {_number(high)}) must contain the estimate "
            f"({_number(estimate)})."
        )
    return errors


def _raw_errors(values, measure) -> dict[str, str]:
    errors = {}
    needed = CONTINUOUS_FIELDS if measure in CONTINUOUS_MEASURES else BINARY_FIELDS
    for name in needed:
        if not _given(values, name):
            errors[name] = "Needed to compute the effect from the raw data."
    for name in RAW_FIELDS:
        if name not in needed and _given(values, name):
            kind = "means and SDs" if measure in RATIO_MEASURES else "events"
            label = EffectMeasure(measure).label.lower()
            errors[name] = f"{_a(label)} uses no {kind}: leave empty."
    if errors:
        return errors
    for side in ("1", "2"):
        n = int(values[f"effect_n_{side}"])
        if n < 1:
            errors[f"effect_n_{side}"] = f"The {GROUP[side]} group needs at least 1 participant."
            continue
        if measure in CONTINUOUS_MEASURES:
            sd = float(values[f"effect_sd_{side}"])
            if sd <= 0:
                errors[f"effect_sd_{side}"] = (
                    f"A standard deviation is greater than 0 ({_number(sd)})."
                )
            if n < 2:
                errors[f"effect_n_{side}"] = (
                    f"An SD needs at least 2 participants in the {GROUP[side]} group."
                )
        else:
            events = int(values[f"effect_events_{side}"])
            if events > n:
                errors[f"effect_events_{side}"] = (
                    f"More events ({events}) than participants ({n}) in the {GROUP[side]} group."
                )
            elif events < 0:
                errors[f"effect_events_{side}"] = "Events cannot be fewer than 0."
    return errors


def describe_effect(values) -> str:
    """The effect data in one line, as entered: "Muscle thickness: Mean difference 0.6
    (95 % CI 0.1 to 1.1)" or with the raw data. "" when there is none."""
    if not has_effect_data(values) or not values.get("effect_measure"):
        return ""
    measure = EffectMeasure(values["effect_measure"])
    head = f"{values.get('effect_outcome') or 'Outcome not named'}: {measure.label}"
    if _given(values, "effect_estimate"):
        low, high = values.get("effect_ci_low"), values.get("effect_ci_high")
        interval = (
            f" (95 % CI {_number(low)} to {_number(high)})"
            if low is not None and high is not None
            else ""
        )
        return f"{head} {_number(values['effect_estimate'])}{interval}"
    groups = []
    for side in ("1", "2"):
        n = values.get(f"effect_n_{side}")
        if measure in CONTINUOUS_MEASURES:
            mean, sd = values.get(f"effect_mean_{side}"), values.get(f"effect_sd_{side}")
            groups.append(f"{GROUP[side]} mean {_fmt(mean)} (SD {_fmt(sd)}, n = {_fmt(n)})")
        else:
            events = values.get(f"effect_events_{side}")
            groups.append(f"{GROUP[side]} {_fmt(events)} of {_fmt(n)}")
    return f"{head} from raw data: {'; '.join(groups)}"


def _fmt(value) -> str:
    return "?" if value is None else _number(value)
