"""Who may do what with the app's pages (registered with ``accounts.permissions``)."""

from accounts import permissions
from accounts.roles import DepartmentPermission


@permissions.rule("pwa.subscribe")
def _subscribe(user, _obj) -> bool:
    # Everyone signed in gets notifications, so everyone may choose how they arrive.
    return True


@permissions.rule("pwa.timeline")
def _timeline(user, _obj) -> bool:
    ids = permissions.department_ids_with(user, DepartmentPermission.VIEW_WORK)
    return isinstance(ids, permissions.AllDepartments) or bool(ids)
