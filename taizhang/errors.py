"""One exception hierarchy, named after conditions. Messages are Chinese and say what to do next.

The web layer maps ``status`` and ``code`` to HTTP responses in one place; the CLI prints the
message and exits non-zero.
"""

from __future__ import annotations


class TaizhangError(Exception):
    """Base of every error a user can cause and should be told about."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


# ---------------------------------------------------------------- documents
class DocumentError(TaizhangError):
    status = 422
    code = "document_invalid"


class EmptyDocument(DocumentError):
    code = "document_empty"


class BinaryDocument(DocumentError):
    code = "document_binary"


class UndecodableDocument(DocumentError):
    code = "document_encoding"


class UnsupportedFormat(DocumentError):
    status = 415
    code = "document_unsupported"


class EncryptedDocument(DocumentError):
    code = "document_encrypted"


class ScannedDocument(DocumentError):
    code = "document_scanned"


class NoMeasuresFound(DocumentError):
    code = "document_no_measures"


class DocumentTooLarge(DocumentError):
    status = 413
    code = "document_too_large"


class CorruptDocument(UnsupportedFormat):
    """Says it is a .docx/.pdf but cannot be opened as one; to a user that is an unreadable format."""

    status = 422
    code = "document_corrupt"


# ---------------------------------------------------------------- data and access
class NotFound(TaizhangError):
    status = 404
    code = "not_found"


class PermissionDenied(TaizhangError):
    status = 403
    code = "forbidden"


class NotAuthenticated(TaizhangError):
    status = 401
    code = "not_authenticated"


class PasswordChangeRequired(TaizhangError):
    status = 403
    code = "password_change_required"


class ValidationFailed(TaizhangError):
    status = 422
    code = "validation_failed"


class Conflict(TaizhangError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class InvalidOverride(ValidationFailed, ValueError):
    """A light override without a valid light or a reason."""

    code = "override_invalid"


class DatabaseNotReady(TaizhangError):
    status = 503
    code = "database_not_ready"


class ConfigurationError(TaizhangError):
    status = 500
    code = "configuration"
