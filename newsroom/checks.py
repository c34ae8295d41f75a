"""System checks of the newsroom's own settings (run by ``manage.py check`` and at start-up)."""

from __future__ import annotations

from django.core.checks import Error, register


@register()
def retention_periods_check(app_configs, **kwargs) -> list[Error]:
    """``NEWSROOM_RETENTION_DAYS`` names only registered kinds, with periods they allow.

    A misspelt key would silently leave the default in force; a period below a rule's minimum
    (a missing zero) would purge records the city must keep.
    """
    from .retention import configured_retention_days, retention_rules

    rules = {rule.key: rule for rule in retention_rules()}
    errors: list[Error] = []
    for key, days in sorted(configured_retention_days().items()):
        rule = rules.get(key)
        if rule is None:
            errors.append(Error(
                f"NEWSROOM_RETENTION_DAYS names {key!r}, which is no registered kind of data.",
                hint="Known keys: " + ", ".join(sorted(rules)),
                id="newsroom.E101",
            ))
        elif rule.purge is None:
            errors.append(Error(
                f"NEWSROOM_RETENTION_DAYS sets a period for {key!r}, which is kept without one.",
                hint="Remove the key; this kind of data is not purged by age.",
                id="newsroom.E103",
            ))
        elif int(days) < rule.minimum_days:
            errors.append(Error(
                f"NEWSROOM_RETENTION_DAYS gives {key!r} {days} days; at least "
                f"{rule.minimum_days} are required.",
                hint=f"Set {key}={rule.minimum_days} or more.",
                id="newsroom.E102",
            ))
    return errors
