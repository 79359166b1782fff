"""Model field for 公民身份号码: encrypted at rest, with a keyed digest column for lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from core.crypto import decrypt_text, encrypt_text, lookup_digest
from core.idnumber import IdNumber, parse_id_number

ID_DIGEST_PURPOSE = "id_number"


def id_number_digest(value: IdNumber | str) -> str:
    """The lookup digest of an ID number; the same for every table so people can be matched."""
    number = value if isinstance(value, IdNumber) else parse_id_number(value)
    return lookup_digest(number.value, purpose=ID_DIGEST_PURPOSE)


class EncryptedIdNumberField(models.TextField):
    """Stores an ``IdNumber`` as authenticated ciphertext; equality search uses ``digest_field``.

    Filtering on the ciphertext itself is refused (it is randomised); query the digest field
    with ``id_number_digest(value)`` instead.
    """

    if TYPE_CHECKING:  # what django-stubs' plugin reports for model attributes
        _pyi_private_set_type: IdNumber | str | None  # type: ignore[assignment]
        _pyi_private_get_type: IdNumber | None  # type: ignore[assignment]

    def __init__(self, *args: Any, digest_field: str = "", **kwargs: Any) -> None:
        self.digest_field = digest_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["digest_field"] = self.digest_field
        return name, path, args, kwargs

    def _purpose(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> IdNumber | None:
        if value is None or value == "":
            return None
        return IdNumber(decrypt_text(value, purpose=self._purpose()))

    def to_python(self, value: Any) -> IdNumber | None:
        if value is None or value == "" or isinstance(value, IdNumber):
            return value or None
        return parse_id_number(str(value))

    def get_prep_value(self, value: Any) -> str | None:
        number = self.to_python(value)
        if number is None:
            return None
        return encrypt_text(number.value, purpose=self._purpose())

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        number = self.to_python(value) if value not in (None, "") else None
        setattr(model_instance, self.attname, number)
        if self.digest_field:
            setattr(model_instance, self.digest_field, id_number_digest(number) if number else "")
        return number

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) writes ciphertext, never the plain number.
        return self.get_prep_value(self.value_from_object(obj)) or ""

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        try:
            self.to_python(value)
        except ValidationError:
            raise
        super().validate(value, model_instance)
