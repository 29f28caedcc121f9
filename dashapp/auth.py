"""Accounts on the web: flask-login wiring, the access guard, and the Jinja account views.

The guard runs before every request: Dash pages redirect anonymous visitors to the login page;
Dash's own routes (``/_dash-*``) and the JSON API answer 401 so no callback or API call ever runs
without a user. Forms are flask-wtf forms (CSRF token per form); passwords are Argon2id hashes.

Sessions: the session id flask-login stores (and the remember-me cookie) is ``<user id>:<session
generation>``. Logout bumps the generation in the database, so a copy of the cookie taken before
(or a remember-me cookie) is refused afterwards, on every worker. Login and logout start from an
empty session, so nothing planted in a session before login (fixation) survives it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from dashapp.services import accounts
from dashapp.services.accounts import Account, AccountError, EmailTaken
from dashapp.services.health import health_report

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()

# Paths anyone may reach. Everything else (Dash pages, /_dash-* routes, the API) needs a login.
PUBLIC_PREFIXES = ("/login", "/register", "/static/", "/assets/", "/healthz")
PUBLIC_PATHS = frozenset({"/favicon.ico", "/_favicon.ico"})
# Machines call these, not people: refusals here are JSON (401, 403, ...), not a page or a redirect.
MACHINE_PREFIXES = ("/api/", "/_dash-", "/_reload-hash")
REMEMBER_FOR = timedelta(days=30)
DEFAULT_LANDING = "/"
# Where a fresh account goes first: pick genres, artists and moods, then see recommendations.
ONBOARDING_PATH = "/welcome"
# The one answer to a valid sign-up, whether or not the email already had an account.
REGISTERED_MESSAGE = (
    "Thanks! If this email was new, your account is ready: log in to continue. "
    "If you already had an account, log in with your existing password."
)


class SessionUser:
    """The logged-in user as flask-login sees it: a detached snapshot, never a live ORM row."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account: Account) -> None:
        self.id = account.id
        self.email = account.email
        self.display_name = account.display_name
        self.is_admin = account.is_admin
        self._generation = account.session_generation

    def get_id(self) -> str:
        # Logout and password changes bump the generation: every session and remember-me cookie
        # issued before carries the old number and is refused by load_user. (The cookies are
        # signed with SECRET_KEY, so the number cannot be forged.)
        return f"{self.id}:{self._generation}"


@login_manager.user_loader
def load_user(user_id: str) -> SessionUser | None:
    raw_id, _, generation = user_id.partition(":")
    if not raw_id.isdigit() or not generation.isdigit():
        return None
    account = accounts.get_account(int(raw_id))
    if account is None or account.session_generation != int(generation):
        return None
    return SessionUser(account)


def start_session(account: Account, remember: bool = False) -> None:
    """Log in on a fresh session: whatever the session held before (a planted id, an old CSRF
    token) is dropped, so a session fixed before login is worthless after it."""
    clear_session()
    login_user(SessionUser(account), remember=remember)


def clear_session() -> None:
    """Empty the session, CSRF secret included; the next token is made from a new secret."""
    session.clear()
    # Flask-WTF caches this request's token in g: drop it, or the _csrf_token cookie set at the
    # end of this request would carry a token for the secret just removed.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def guard_request() -> Response | tuple[Response, int] | None:
    if is_public(request.path) or current_user.is_authenticated:
        return None
    if request.path.startswith(MACHINE_PREFIXES):
        return jsonify(error="authentication required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirect).

    Browsers treat ``//host``, ``/\\host`` and ``\\\\host`` as other sites, and strip tabs and
    newlines before parsing, so anything but a plain absolute path is refused. The percent-decoded
    form is checked too, in case something downstream decodes the path once more.
    """
    if not target or not _is_plain_local_path(target) or not _is_plain_local_path(unquote(target)):
        return DEFAULT_LANDING
    if urlsplit(target).path.startswith(("/login", "/register", "/logout")):
        return DEFAULT_LANDING
    return target


def _is_plain_local_path(target: str) -> bool:
    if any(ch in target for ch in "\\\t\r\n") or not target.startswith("/"):
        return False
    if target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc)


def init_auth(server: Flask) -> None:
    login_manager.init_app(server)
    login_manager.login_view = "auth.login"
    server.config.setdefault("REMEMBER_COOKIE_DURATION", REMEMBER_FOR)
    server.before_request(guard_request)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Remember me for 30 days")


class RegisterForm(FlaskForm):
    display_name = StringField(
        "Name (shown in the app)", validators=[Length(max=accounts.MAX_DISPLAY_NAME_LENGTH)]
    )
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat password", validators=[DataRequired(), EqualTo("password", "Passwords differ.")]
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new_password", "Passwords differ.")],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired()])


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST so another site cannot log a user out."""


def first_form_error(form: FlaskForm) -> str | None:
    for field_errors in form.errors.values():
        if field_errors:
            return str(field_errors[0])
    return None


@bp.get("/healthz")
def healthz():
    body, healthy = health_report()
    return body, 200 if healthy else 503


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        account = accounts.authenticate(form.email.data or "", form.password.data or "")
        if account is not None:
            start_session(account, remember=bool(form.remember.data))
            return redirect(next_url)
        # One message for unknown email and wrong password alike.
        error, status = "Email or password is wrong.", 401
    elif request.method == "POST":
        error, status = first_form_error(form) or "Fill in your email and password.", 400
    # Set by assets/session_expiry.js when a page's request found the session gone.
    expired = request.args.get("expired") == "1"
    return render_template(
        "login.html", form=form, error=error, next=next_url, expired=expired
    ), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(DEFAULT_LANDING)
    form = RegisterForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            accounts.register(
                form.email.data or "", form.password.data or "", form.display_name.data or ""
            )
        except EmailTaken:
            # Answered exactly like a new account (issue #9 finding 9): the form must not tell
            # whether an email has an account. The owner's account is not touched.
            pass
        except AccountError as exc:
            error, status = str(exc), 400
        if error is None:
            flash(REGISTERED_MESSAGE, "success")
            return redirect(url_for("auth.login", next=ONBOARDING_PATH))
    elif request.method == "POST":
        error, status = first_form_error(form) or "Fill in every field.", 400
    return (
        render_template(
            "register.html",
            form=form,
            error=error,
            min_length=accounts.MIN_PASSWORD_LENGTH,
        ),
        status,
    )


@bp.post("/logout")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(DEFAULT_LANDING)
    if current_user.is_authenticated:
        # Server-side: every session of this account (and its remember-me cookie) ends now.
        accounts.end_sessions(int(current_user.id))
    clear_session()
    logout_user()  # after clear: it marks the remember-me cookie for deletion in the session
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            account = accounts.change_password(
                current_user.id, form.current_password.data or "", form.new_password.data or ""
            )
        except AccountError as exc:
            error, status = str(exc), 400
        else:
            # Re-issue this browser's session with the new generation; others are logged out.
            start_session(account)
            flash("Your password was changed. Other browsers have been logged out.", "success")
            return redirect("/profile")
    elif request.method == "POST":
        error, status = first_form_error(form) or "Fill in every field.", 400
    return (
        render_template(
            "change_password.html", form=form, error=error, min_length=accounts.MIN_PASSWORD_LENGTH
        ),
        status,
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user.id, form.password.data or "")
        except AccountError as exc:
            error, status = str(exc), 400
        else:
            log.info("account %s deleted at the user's request", current_user.id)
            clear_session()
            logout_user()
            flash("Your account and everything in it were deleted.", "info")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        error, status = first_form_error(form) or "Enter your password.", 400
    return render_template("delete_account.html", form=form, error=error), status
