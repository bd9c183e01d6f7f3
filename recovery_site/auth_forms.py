from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from nhsuk_forms.forms import NhsFormHelperMixin


class SignInForm(NhsFormHelperMixin, AuthenticationForm):
    submit_label = "Sign in"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."
        self.error_messages["invalid_login"] = (
            "Enter a correct username and password. Both are case-sensitive."
        )


class ResetRequestForm(NhsFormHelperMixin, PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address."
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.nhs.uk."
        )


class ResetPasswordForm(NhsFormHelperMixin, SetPasswordForm):
    submit_label = "Save new password"
