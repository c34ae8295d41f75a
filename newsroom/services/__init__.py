"""Service functions: the newsroom's business rules, called by every door.

UI, API, admin and tasks all call these; none of them decides a rule on its own.
"""
