from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm
from .views import login, security

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("login/code/", login.otp_verify, name="otp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("security/", security.security, name="security"),
    path("security/sessions/<int:pk>/end/", security.session_end, name="session_end"),
    path("security/sessions/end-others/", security.sessions_end_others,
         name="sessions_end_others"),
    path("security/tokens/", security.token_create, name="token_create"),
    path("security/tokens/<int:pk>/revoke/", security.token_revoke, name="token_revoke"),
    path("security/2fa/setup/", security.otp_enrol, name="otp_enrol"),
    path("security/2fa/backup-codes/", security.backup_codes, name="backup_codes"),
    path("security/2fa/remove/", security.otp_remove, name="otp_remove"),
]
