"""The start page: what each role needs to see first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import permissions
from accounts.roles import Role


@login_required
def home(request):
    access = permissions.access_of(request.user)
    memberships = request.user.memberships.select_related("department").order_by(
        "department__number", "role"
    )
    context = {
        "memberships": memberships,
        "roles": access.roles,
        "Role": Role,
    }
    return render(request, "newsroom/home.html", context)
