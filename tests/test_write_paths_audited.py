"""Every state-changing service writes an audit event (docs/security.md, "Audit";
docs/architecture.md, "Services and selectors").

The public functions of every app's ``services.py`` are discovered at run time. Each must be
either in ``WRITES`` (called with valid arguments; the audit log must grow), in ``PURE``
(no state change; the reason is given), or in ``KNOWN_GAPS`` (a write that is not audited
on its own today: an expected-failure test keeps it visible until it is fixed).
``test_it_lists_every_public_service_function`` fails when a new service function appears
without a row here.

Each row of ``WRITES`` must record the event ``EVENTS`` names (action and object type), and
the object must be one the call created, changed or deleted (directly or through its own
rows), unless ``READS`` / ``NO_ROW`` say why not. Every *pure* function is run
(``PURE_CALLS``) and must issue no INSERT/UPDATE/DELETE, leave every table as it was and
record nothing. Beyond services.py, every function of every module of the project's apps
(tests and migrations aside) that calls an ORM writer (``.save``, ``.create``, ``.update``,
``.delete``, ``bulk_*``, ``get_or_create``, ``update_or_create``) or ``copy_insert`` must be
in ``WRITES`` or ``PURE``, or be a private helper of audited services (``WRITE_HELPERS``:
each caller is checked), or exempt with its reason (``EXEMPT``), or no database write at
all (``NOT_DB``: a dict's update, a workbook's save).
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import inspect
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from accounts import services as accounts
from accounts.models import PasswordReset, RoleGrant, User
from audit import services as audit
from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres import services as cadres
from cadres.choices import AssessmentGrade, CadreStatus, EducationKind, RecordKind
from cadres.models import Cadre
from core.permissions import Action, Role, require
from orgs import services as orgs
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from zugong.testing import PASSWORD, PersonaTestCase, make_user, tiny_pdf

# A row takes the test case, does any preparation (which may itself write audit events) and
# returns the call to measure.
Row = Callable[[Any], Callable[[], Any]]


def _audited(fn: Callable[[], Any]) -> Callable[[], Any]:
    def call() -> Any:
        with transaction.atomic():  # audit_record refuses to run outside a transaction
            return fn()

    return call


def _revoke_prepared(t: Any) -> Callable[[], Any]:
    token, _ = accounts.api_token_create(acting_user=t.fresh("clerk"), name="待撤销")
    return lambda: accounts.api_token_revoke(acting_user=t.fresh("clerk"), token=token)


def _reset_confirm_prepared(t: Any) -> Callable[[], Any]:
    accounts.user_reset_password(acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a"))
    reset = PasswordReset.objects.get(user=t.fresh("liaison_a"))
    return lambda: accounts.password_reset_confirm(acting_user=t.fresh("secadmin"), reset=reset)


def _reset_notice_prepared(t: Any) -> Callable[[], Any]:
    accounts.user_reset_password(acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a"))
    reset = PasswordReset.objects.get(user=t.fresh("liaison_a"))
    accounts.password_reset_confirm(acting_user=t.fresh("secadmin"), reset=reset)
    return lambda: accounts.password_reset_notice(user=t.fresh("liaison_a"))


def _code_redeem_prepared(t: Any) -> Callable[[], Any]:
    raw = accounts.totp_code_issue(acting_user=t.fresh("secadmin"), user=t.fresh("sysadmin"))
    return lambda: accounts.totp_code_redeem(user=t.fresh("sysadmin"), code=raw)


def _restore_prepared(t: Any) -> Callable[[], Any]:
    orgs.unit_deactivate(acting_user=t.fresh("clerk"), unit=t.unit("a_village"))
    return lambda: orgs.unit_restore(acting_user=t.fresh("clerk"), unit=t.unit("a_village"))


def _png(size: tuple[int, int] = (160, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


def _column_set_prepared(t: Any) -> Callable[[], Any]:
    item = cadres.column_set_save(
        acting_user=t.fresh("clerk"), name="待删除", columns=["name", "unit"]
    )
    return lambda: cadres.column_set_delete(acting_user=t.fresh("clerk"), column_set=item)


def _alert(t: Any) -> Any:
    """An open alert about the test cadre, raised through the engine as a computation would."""
    from alerts.choices import Subject
    from alerts.engine import sync
    from alerts.models import Alert, AlertRule
    from alerts.registry import Finding, Scope, install_catalogue

    install_catalogue()
    cadre = t.cadre()
    rule = AlertRule.objects.get(code="same_post")
    scope = Scope(path=cadre.unit_path, today=dt.date(2030, 1, 1))
    finding = Finding(
        subject=Subject.CADRE,
        subject_id=cadre.pk,
        cadre_id=cadre.pk,
        unit_path=cadre.unit_path,
        message="任现职 2019.01 至今 11年 ≥ 10年",
        facts={"since": "2019-01-01"},
    )
    sync(rule, scope, [finding])
    return Alert.objects.get(rule=rule, subject_id=cadre.pk)


def _alert_handled(t: Any) -> Any:
    from alerts import services as alerts

    alert = _alert(t)
    return alerts.alert_acknowledge(acting_user=t.fresh("clerk"), alert=alert, note="已安排")


def _alerts() -> Any:
    from alerts import services

    return services


def _scope_with_alert(t: Any) -> Any:
    """A scope where the computation changes something: the stored alert no longer holds."""
    from alerts.registry import Scope

    alert = _alert(t)
    return Scope(path=alert.unit_path, today=dt.date(2030, 1, 1))


def _rule(code: str = "same_post") -> Any:
    from alerts.models import AlertRule
    from alerts.registry import install_catalogue

    install_catalogue()
    return AlertRule.objects.get(code=code)


def _then(prepared: Any, call: Callable[[Any], Any]) -> Callable[[], Any]:
    """The measured call on an object prepared beforehand (its own events are not counted)."""
    return lambda: call(prepared)


def _development() -> Any:
    from development import services

    return services


def _pool(t: Any) -> Any:
    return _development().pool_create(
        acting_user=t.fresh("clerk"), unit=t.unit("a"), kind="young", name="甲镇年轻干部库"
    )


def _pool_entry(t: Any) -> Any:
    return _development().pool_entry_add(
        acting_user=t.fresh("clerk"), pool=_pool(t), cadre=t.cadre(), reason="组织推荐"
    )


def _pool_evidence(t: Any) -> Any:
    return _development().pool_evidence_add(
        acting_user=t.fresh("clerk"), entry=_pool_entry(t), tag="done", text="牵头完成土地确权"
    )


WRITES: dict[str, Row] = {
    # accounts ---------------------------------------------------------------------------
    "accounts.services.user_create": lambda t: (
        lambda: accounts.user_create(
            acting_user=t.fresh("sysadmin"), username="newbie", full_name="新人", unit=t.unit("a")
        )
    ),
    "accounts.services.user_update": lambda t: (
        lambda: accounts.user_update(
            acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a"), phone="13800000000"
        )
    ),
    "accounts.services.user_set_active": lambda t: (
        lambda: accounts.user_set_active(
            acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a"), active=False
        )
    ),
    # A locked account (an unlock of an unlocked one would change nothing).
    "accounts.services.user_unlock": lambda t: _then(
        User.objects.filter(username="liaison_a").update(
            failed_login_count=5, locked_until=dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC)
        ),
        lambda _: accounts.user_unlock(acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a")),
    ),
    "accounts.services.user_reset_password": lambda t: (
        lambda: accounts.user_reset_password(
            acting_user=t.fresh("sysadmin"), user=t.fresh("liaison_a")
        )
    ),
    "accounts.services.password_reset_confirm": _reset_confirm_prepared,
    "accounts.services.password_reset_notice": _reset_notice_prepared,
    "accounts.services.totp_code_issue": lambda t: (
        lambda: accounts.totp_code_issue(acting_user=t.fresh("secadmin"), user=t.fresh("sysadmin"))
    ),
    "accounts.services.totp_code_redeem": _code_redeem_prepared,
    "accounts.services.password_change": lambda t: (
        lambda: accounts.password_change(
            user=t.fresh("liaison_a"), old_password=PASSWORD, new_password="Neu#Kennwort2027"
        )
    ),
    "accounts.services.grant_add": lambda t: (
        lambda: accounts.grant_add(
            acting_user=t.fresh("secadmin"),
            user=t.fresh("nobody"),
            role=Role.LIAISON,
            unit=t.unit("b"),
        )
    ),
    "accounts.services.grant_remove": lambda t: (
        lambda: accounts.grant_remove(
            acting_user=t.fresh("secadmin"), grant=RoleGrant.objects.get(user=t.fresh("liaison_a"))
        )
    ),
    # A wrong password: a correct one is audited by login_record when the sign-in completes.
    "accounts.services.login_attempt": lambda t: (
        lambda: accounts.login_attempt(username="liaison_a", password="not-the-password")
    ),
    "accounts.services.login_record": lambda t: (
        lambda: accounts.login_record(user=t.fresh("clerk"), session_key="k" * 32, ip="127.0.0.1")
    ),
    # The session signed in first, so there is one to forget.
    "accounts.services.logout_record": lambda t: _then(
        accounts.login_record(user=t.fresh("clerk"), session_key="k" * 32, ip="127.0.0.1"),
        lambda _: accounts.logout_record(user=t.fresh("clerk"), session_key="k" * 32),
    ),
    "accounts.services.session_rekey": lambda t: (
        lambda: accounts.session_rekey(user=t.fresh("clerk"), old_key=None, new_key="n" * 32, ip="")
    ),
    "accounts.services.totp_accept": lambda t: (
        lambda: accounts.totp_accept(
            user=t.fresh("sysadmin"),
            secret="JBSWY3DPEHPK3PXPJBSWY3DPEH",
            code=pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEH").now(),
        )
    ),
    "accounts.services.totp_failed": lambda t: (
        lambda: accounts.totp_failed(user=t.fresh("sysadmin"))
    ),
    "accounts.services.totp_enrol": lambda t: (
        lambda: accounts.totp_enrol(user=t.fresh("sysadmin"), secret=pyotp.random_base32())
    ),
    "accounts.services.api_token_create": lambda t: (
        lambda: accounts.api_token_create(acting_user=t.fresh("clerk"), name="脚本")
    ),
    "accounts.services.api_token_revoke": _revoke_prepared,
    "accounts.services.system_user_create": lambda t: (
        lambda: accounts.system_user_create(
            username="installer",
            full_name="初装管理员",
            password="Setup#Zugong2026",
            roles=[(Role.AUDITOR, None)],
        )
    ),
    # orgs -------------------------------------------------------------------------------
    "orgs.services.unit_create_root": lambda t: (
        lambda: orgs.unit_create_root(
            name="另一县委", code="R000", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
        )
    ),
    "orgs.services.unit_create": lambda t: (
        lambda: orgs.unit_create(
            acting_user=t.fresh("clerk"),
            parent=t.unit("a"),
            name="甲镇党政办",
            code="TA20",
            kind=UnitKind.OTHER,
            level=UnitLevel.BELOW,
        )
    ),
    "orgs.services.unit_update": lambda t: (
        lambda: orgs.unit_update(
            acting_user=t.fresh("clerk"), unit=t.unit("a"), version=1, short_name="甲"
        )
    ),
    "orgs.services.unit_move": lambda t: (
        lambda: orgs.unit_move(
            acting_user=t.fresh("clerk"), unit=t.unit("a_village"), new_parent=t.unit("b")
        )
    ),
    "orgs.services.unit_deactivate": lambda t: (
        lambda: orgs.unit_deactivate(acting_user=t.fresh("clerk"), unit=t.unit("a_village"))
    ),
    "orgs.services.unit_restore": _restore_prepared,
    "orgs.services.quota_set": lambda t: (
        lambda: orgs.quota_set(
            acting_user=t.fresh("clerk"), unit=t.unit("a"), rank_level="141", quota=1
        )
    ),
    # cadres (the cadre of setUpTestData: a position, an education, an assessment, a record,
    # a family member and a photo) --------------------------------------------------------
    "cadres.services.cadre_create": lambda t: (
        lambda: cadres.cadre_create(
            acting_user=t.fresh("clerk"),
            unit=t.unit("a"),
            name="新干部",
            sex="2",
            birth_date=dt.date(1988, 6, 1),
        )
    ),
    "cadres.services.cadre_update": lambda t: (
        lambda: cadres.cadre_update(acting_user=t.fresh("clerk"), cadre=t.cadre(), health="良好")
    ),
    "cadres.services.cadre_transfer": lambda t: (
        lambda: cadres.cadre_transfer(
            acting_user=t.fresh("clerk"), cadre=t.cadre(), to_unit=t.unit("b")
        )
    ),
    "cadres.services.cadre_set_status": lambda t: (
        lambda: cadres.cadre_set_status(
            acting_user=t.fresh("clerk"), cadre=t.cadre(), status=CadreStatus.RETIRED
        )
    ),
    "cadres.services.cadre_reveal_id": lambda t: (
        lambda: cadres.cadre_reveal_id(acting_user=t.fresh("clerk"), cadre=t.cadre())
    ),
    "cadres.services.audit_record_reveal": lambda t: (
        lambda: cadres.audit_record_reveal(t.fresh("clerk"), t.cadre())
    ),
    "cadres.services.audit_record_view": lambda t: (
        lambda: cadres.audit_record_view(t.fresh("clerk"), t.cadre(), tab="family")
    ),
    "cadres.services.position_start": lambda t: (
        lambda: cadres.position_start(
            acting_user=t.fresh("clerk"),
            cadre=t.cadre(),
            unit=t.unit("a"),
            title="人大主席",
            start_date=dt.date(2021, 3, 1),
        )
    ),
    "cadres.services.position_update": lambda t: (
        lambda: cadres.position_update(
            acting_user=t.fresh("clerk"),
            position=t.cadre().positions.get(),
            appointment_doc="测组〔2019〕1号",
        )
    ),
    "cadres.services.position_end": lambda t: (
        lambda: cadres.position_end(
            acting_user=t.fresh("clerk"),
            position=t.cadre().positions.get(),
            end_date=dt.date(2024, 1, 1),
        )
    ),
    "cadres.services.position_delete": lambda t: (
        lambda: cadres.position_delete(
            acting_user=t.fresh("clerk"), position=t.cadre().positions.get()
        )
    ),
    "cadres.services.education_add": lambda t: (
        lambda: cadres.education_add(
            acting_user=t.fresh("clerk"),
            cadre=t.cadre(),
            kind=EducationKind.IN_SERVICE,
            education_level="11",
            school="省委党校",
            major="经济管理",
        )
    ),
    "cadres.services.education_update": lambda t: (
        lambda: cadres.education_update(
            acting_user=t.fresh("clerk"), education=t.cadre().educations.get(), major="法学"
        )
    ),
    "cadres.services.education_delete": lambda t: (
        lambda: cadres.education_delete(
            acting_user=t.fresh("clerk"), education=t.cadre().educations.get()
        )
    ),
    "cadres.services.assessment_set": lambda t: (
        lambda: cadres.assessment_set(
            acting_user=t.fresh("clerk"),
            cadre=t.cadre(),
            year=2023,
            grade=AssessmentGrade.COMPETENT,
        )
    ),
    "cadres.services.assessment_delete": lambda t: (
        lambda: cadres.assessment_delete(
            acting_user=t.fresh("clerk"), assessment=t.cadre().assessments.get()
        )
    ),
    "cadres.services.record_add": lambda t: (
        lambda: cadres.record_add(
            acting_user=t.fresh("clerk"),
            cadre=t.cadre(),
            kind=RecordKind.REWARD,
            name="优秀党务工作者",
            date=dt.date(2022, 7, 1),
        )
    ),
    "cadres.services.record_delete": lambda t: (
        lambda: cadres.record_delete(acting_user=t.fresh("clerk"), record=t.cadre().records.get())
    ),
    "cadres.services.family_add": lambda t: (
        lambda: cadres.family_add(
            acting_user=t.fresh("clerk"),
            cadre=t.cadre(),
            relation="女儿",
            name="赵小雨",
            birth_date=dt.date(2012, 5, 1),
        )
    ),
    "cadres.services.family_update": lambda t: (
        lambda: cadres.family_update(
            acting_user=t.fresh("clerk"),
            member=t.cadre().family.get(),
            work_unit_post="测试县第一中学教师",
        )
    ),
    "cadres.services.family_delete": lambda t: (
        lambda: cadres.family_delete(acting_user=t.fresh("clerk"), member=t.cadre().family.get())
    ),
    "cadres.services.photo_set": lambda t: (
        lambda: cadres.photo_set(acting_user=t.fresh("clerk"), cadre=t.cadre(), data=_png())
    ),
    "cadres.services.photo_delete": lambda t: (
        lambda: cadres.photo_delete(acting_user=t.fresh("clerk"), cadre=t.cadre())
    ),
    "cadres.services.column_set_save": lambda t: (
        lambda: cadres.column_set_save(
            acting_user=t.fresh("clerk"), name="任免名单", columns=["name", "current_title"]
        )
    ),
    "cadres.services.column_set_delete": _column_set_prepared,
    "cadres.services.cadre_import": lambda t: (
        lambda: cadres.cadre_import(
            acting_user=t.fresh("clerk"),
            unit=t.unit("a"),
            data=cadres.CadreData(
                fields={"name": "导入干部", "sex": "1", "birth_date": dt.date(1979, 4, 1)},
                assessments=[{"year": 2023, "grade": AssessmentGrade.EXCELLENT, "note": ""}],
            ),
        )
    ),
    "cadres.services.cadre_import_many": lambda t: _audited(
        lambda: cadres.cadre_import_many(
            acting_user=t.fresh("clerk"),
            items=[
                cadres.ImportItem(
                    unit=t.unit("a"),
                    data=cadres.CadreData(
                        fields={
                            "name": f"批量导入{i}",
                            "sex": "2",
                            "birth_date": dt.date(1985, 5, 1),
                        }
                    ),
                )
                for i in range(3)
            ],
        )
    ),
    # audit: the writers of the log itself -----------------------------------------------
    "audit.services.audit_record": lambda t: _audited(
        lambda: audit.audit_record(
            actor=t.fresh("clerk"),
            action=AuditAction.VIEW,
            object_type="orgs.Unit",
            object_id=t.unit("a").pk,  # a real unit: ids are not reset between tests on PG
        )
    ),
    "audit.services.audit_record_many": lambda t: _audited(
        lambda: audit.audit_record_many(
            [
                audit.PendingEvent(
                    action=AuditAction.IMPORT, actor=t.fresh("clerk"), object_repr="名册"
                )
            ]
        )
    ),
    "audit.services.audit_record_standalone": lambda t: (
        lambda: audit.audit_record_standalone(
            actor=t.fresh("clerk"), action=AuditAction.EXPORT, object_repr="名册", sensitive=True
        )
    ),
    "audit.services.audit_record_export": lambda t: _audited(
        lambda: audit.audit_record_export(
            actor=t.fresh("clerk"),
            subjects=[t.cadre().pk],
            object_type="cadres.Cadre",
            object_repr="名册",
            sensitive=True,
        )
    ),
    "audit.services.record_update": lambda t: _audited(
        lambda: audit.record_update(
            actor=t.fresh("clerk"),
            current=t.unit("a"),
            fields={"short_name": "甲"},
            state=lambda u: audit.snapshot(u, ["short_name"]),
            validate=lambda u: None,
        )
    ),
    "audit.services.audit_record_export_standalone": lambda t: (
        lambda: audit.audit_record_export_standalone(
            actor=t.fresh("clerk"),
            subjects=[t.cadre().pk],
            action=AuditAction.DOWNLOAD,
            obj=t.cadre(),
            sensitive=True,
        )
    ),
    # alerts ------------------------------------------------------------------------------
    "alerts.services.alert_set_status": lambda t: (
        lambda: _alerts().alert_set_status(
            acting_user=t.fresh("clerk"), alert=_alert(t), status="acknowledged", note="已安排"
        )
    ),
    "alerts.services.alert_acknowledge": lambda t: (
        lambda: _alerts().alert_acknowledge(
            acting_user=t.fresh("clerk"), alert=_alert(t), note="已安排"
        )
    ),
    "alerts.services.alerts_set_status_many": lambda t: (
        lambda: _alerts().alerts_set_status_many(
            acting_user=t.fresh("clerk"), alerts=[_alert(t)], status="acknowledged", note="已安排"
        )
    ),
    "alerts.services.alert_dismiss": lambda t: (
        lambda: _alerts().alert_dismiss(
            acting_user=t.fresh("clerk"), alert=_alert(t), reason="已交流到位"
        )
    ),
    "alerts.services.alert_reopen": lambda t: (
        lambda: _alerts().alert_reopen(acting_user=t.fresh("clerk"), alert=_alert_handled(t))
    ),
    "alerts.services.rule_update": lambda t: (
        lambda: _alerts().rule_update(
            acting_user=t.fresh("sysadmin"), rule=_rule(), params={"must_years": 8}
        )
    ),
    "alerts.services.alert_visit_record": lambda t: (
        lambda: _alerts().alert_visit_record(acting_user=t.fresh("clerk"))
    ),
    "alerts.services.alerts_compute": lambda t: (
        lambda: _alerts().alerts_compute(
            acting_user=t.fresh("clerk"),
            scope=_scope_with_alert(t),
        )
    ),
    "alerts.services.alerts_compute_scheduled": lambda t: (
        lambda: _alerts().alerts_compute_scheduled(today=timezone.localdate())
    ),
    "alerts.services.alerts_compute_after_import": lambda t: (
        lambda: _alerts().alerts_compute_after_import(unit_path=t.unit("a").path)
    ),
}

DEV_WRITES: dict[str, Row] = {
    "development.services.pool_create": lambda t: (
        lambda: _development().pool_create(
            acting_user=t.fresh("clerk"),
            unit=t.unit("a"),
            kind="young",
            name="甲镇年轻干部库",
            criteria={"max_age": 35, "rank_levels": ["141", "142"]},
        )
    ),
    "development.services.pool_update": lambda t: _then(
        _pool(t),
        lambda pool: _development().pool_update(
            acting_user=t.fresh("clerk"), pool=pool, version=1, name="甲镇优秀年轻干部库"
        ),
    ),
    "development.services.pool_entry_add": lambda t: _then(
        _pool(t),
        lambda pool: _development().pool_entry_add(
            acting_user=t.fresh("clerk"), pool=pool, cadre=t.cadre(), reason="组织推荐"
        ),
    ),
    "development.services.pool_entry_exit": lambda t: _then(
        _pool_entry(t),
        lambda entry: _development().pool_entry_exit(
            acting_user=t.fresh("clerk"), entry=entry, reason="已提拔"
        ),
    ),
    "development.services.pool_evidence_add": lambda t: _then(
        _pool_entry(t),
        lambda entry: _development().pool_evidence_add(
            acting_user=t.fresh("clerk"), entry=entry, tag="proven", text="考核优秀"
        ),
    ),
    "development.services.pool_evidence_delete": lambda t: _then(
        _pool_evidence(t),
        lambda item: _development().pool_evidence_delete(
            acting_user=t.fresh("clerk"), evidence=item
        ),
    ),
}
WRITES.update(DEV_WRITES)


def _programme(t: Any, kind: str = "secondment") -> Any:
    return _development().programme_create(
        acting_user=t.fresh("clerk"),
        unit=t.unit("a"),
        kind=kind,
        name="甲镇挂职锻炼",
        start_date=dt.date(2024, 1, 1),
    )


def _assignment(t: Any, *, started: bool = False) -> Any:
    assignment = _development().assignment_create(
        acting_user=t.fresh("clerk"),
        programme=_programme(t),
        cadre=t.cadre(),
        host_name="临江县石桥镇",
        post_title="党委副书记",
        mentor_name="王建国",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2025, 3, 1),
    )
    if started:
        assignment = _development().assignment_start(
            acting_user=t.fresh("clerk"), assignment=assignment
        )
    return assignment


PROG_WRITES: dict[str, Row] = {
    "development.services.programme_create": lambda t: (
        lambda: _development().programme_create(
            acting_user=t.fresh("clerk"),
            unit=t.unit("a"),
            kind="young_grassroots",
            name="甲镇年轻干部墩苗",
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2026, 12, 31),
            goals="到村一线墩苗历练",
        )
    ),
    "development.services.programme_update": lambda t: _then(
        _programme(t),
        lambda programme: _development().programme_update(
            acting_user=t.fresh("clerk"), programme=programme, version=1, goals="新目标"
        ),
    ),
    "development.services.assignment_create": lambda t: _then(
        _programme(t),
        lambda programme: _development().assignment_create(
            acting_user=t.fresh("clerk"),
            programme=programme,
            cadre=t.cadre(),
            host_unit=t.unit("b"),
            post_title="副镇长",
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2025, 3, 1),
        ),
    ),
    "development.services.assignment_update": lambda t: _then(
        _assignment(t, started=True),
        lambda a: _development().assignment_update(
            acting_user=t.fresh("clerk"),
            assignment=a,
            version=a.version,
            host_unit=t.unit("b"),
            mentor_name="李国强",
            start_date=dt.date(2024, 3, 11),
        ),
    ),
    "development.services.assignment_start": lambda t: _then(
        _assignment(t),
        lambda a: _development().assignment_start(acting_user=t.fresh("clerk"), assignment=a),
    ),
    "development.services.assignment_evaluate": lambda t: _then(
        _assignment(t, started=True),
        lambda a: _development().assignment_evaluate(
            acting_user=t.fresh("clerk"),
            assignment=a,
            stage="mid",
            text="进入角色快",
            evaluated_on=dt.date(2024, 9, 1),
        ),
    ),
    # Ending a 挂职 assignment also writes the 简历 note through cadres.cadre_update (its own
    # audited event on the cadre) in the same transaction.
    "development.services.assignment_end": lambda t: _then(
        _assignment(t, started=True),
        lambda a: _development().assignment_end(
            acting_user=t.fresh("clerk"), assignment=a, ended_on=dt.date(2025, 3, 20)
        ),
    ),
    "development.services.assignment_cancel": lambda t: _then(
        _assignment(t),
        lambda a: _development().assignment_cancel(
            acting_user=t.fresh("clerk"), assignment=a, reason="工作需要，暂缓派出"
        ),
    ),
}
WRITES.update(PROG_WRITES)


def _selection() -> Any:
    from selection import services

    return services


def _sel_case(t: Any) -> Any:
    """A case of unit A at 民主推荐 (its own audit events are not counted)."""
    s = _selection()
    case = s.case_create(
        acting_user=t.fresh("clerk"),
        unit=t.unit("a"),
        title="甲镇镇长选拔任用",
        posts=[{"unit": t.unit("a"), "title": "镇长", "rank_level": "141"}],
        opened_on=dt.date(2026, 1, 5),
    )
    return s.case_advance(t.fresh("clerk"), case, "recommendation", on=dt.date(2026, 1, 12))


def _sel_candidate(t: Any) -> Any:
    case = _sel_case(t)
    return _selection().candidate_add(
        acting_user=t.fresh("clerk"), case=case, cadre=t.cadre(), post=case.posts.get()
    )


def _sel_inspected(t: Any) -> Any:
    """A candidate whose case is at 考察 (the cadre has no 考核 below 称职, so it passes)."""
    from selection.models import Candidate

    candidate = _sel_candidate(t)
    s = _selection()
    case = s.case_advance(t.fresh("clerk"), candidate.case, "candidates", on=dt.date(2026, 1, 19))
    s.case_advance(t.fresh("clerk"), case, "inspection", on=dt.date(2026, 1, 26))
    return Candidate.objects.select_related("case", "cadre").get(pk=candidate.pk)


def _sel_at_decision(t: Any) -> Any:
    """(case, candidate) with the checklist complete and the case at 讨论决定."""
    from selection.choices import CHECKLIST_ITEMS
    from selection.models import Candidate

    candidate = _sel_inspected(t)
    s = _selection()
    day = dt.date(2026, 1, 28)
    s.checklist_set(
        acting_user=t.fresh("clerk"),
        candidate=candidate,
        **dict.fromkeys(CHECKLIST_ITEMS, True),
        **{f"{k}_date": day for k in CHECKLIST_ITEMS},
    )
    case = s.case_advance(t.fresh("clerk"), candidate.case, "decision", on=dt.date(2026, 2, 24))
    return case, Candidate.objects.get(pk=candidate.pk)


SELECTION_WRITES: dict[str, Any] = {
    "selection.services.attachment_add": lambda t: _then(
        _sel_case(t),
        lambda case: _selection().attachment_add(
            acting_user=t.fresh("clerk"),
            case=case,
            stage="proposal",
            name="动议材料.pdf",
            data=tiny_pdf(),
        ),
    ),
    "selection.services.attachment_delete": lambda t: _then(
        _selection().attachment_add(
            acting_user=t.fresh("clerk"),
            case=_sel_case(t),
            stage="proposal",
            name="动议材料.pdf",
            data=tiny_pdf(),
        ),
        lambda item: _selection().attachment_delete(acting_user=t.fresh("clerk"), attachment=item),
    ),
    "selection.services.case_create": lambda t: (
        lambda: _selection().case_create(
            acting_user=t.fresh("clerk"),
            unit=t.unit("a"),
            title="甲镇镇长选拔任用",
            posts=[{"unit": t.unit("a"), "title": "镇长", "rank_level": "141"}],
        )
    ),
    "selection.services.post_add": lambda t: _then(
        _sel_case(t),
        lambda case: _selection().post_add(
            acting_user=t.fresh("clerk"),
            case=case,
            unit=t.unit("a"),
            title="副镇长",
            rank_level="142",
        ),
    ),
    "selection.services.stage_record_set": lambda t: _then(
        _sel_case(t),
        lambda case: _selection().stage_record_set(
            acting_user=t.fresh("clerk"),
            case=case,
            stage="recommendation",
            date=dt.date(2026, 1, 12),
            outcome="会议推荐 35 人参加",
        ),
    ),
    "selection.services.case_advance": lambda t: _then(
        _sel_candidate(t),
        lambda candidate: _selection().case_advance(
            t.fresh("clerk"), candidate.case, "candidates", on=dt.date(2026, 1, 19)
        ),
    ),
    "selection.services.candidate_add": lambda t: _then(
        _sel_case(t),
        lambda case: _selection().candidate_add(
            acting_user=t.fresh("clerk"),
            case=case,
            cadre=t.cadre(),
            post=case.posts.get(),
            recommendation_votes=30,
        ),
    ),
    "selection.services.candidate_withdraw": lambda t: _then(
        _sel_candidate(t),
        lambda candidate: _selection().candidate_withdraw(
            acting_user=t.fresh("clerk"), candidate=candidate, reason="本人身体原因"
        ),
    ),
    "selection.services.checklist_set": lambda t: _then(
        _sel_inspected(t),
        lambda candidate: _selection().checklist_set(
            acting_user=t.fresh("clerk"),
            candidate=candidate,
            file_review=True,
            file_review_date=dt.date(2026, 1, 28),
        ),
    ),
    "selection.services.decision_record": lambda t: _then(
        _sel_at_decision(t),
        lambda pair: _selection().decision_record(
            acting_user=t.fresh("clerk"),
            case=pair[0],
            date=dt.date(2026, 2, 24),
            members_due=9,
            members_present=8,
            votes={pair[1].pk: (7, 1, 0)},
        ),
    ),
    "selection.services.notice_set": lambda t: _then(
        _sel_at_decision(t),
        lambda pair: _selection().notice_set(
            acting_user=t.fresh("clerk"), case=pair[0], start_date=dt.date(2026, 3, 2)
        ),
    ),
}

SELECTION_PURE: dict[str, str] = {
    "selection.services.assessment_problem": "reads a cadre's 考核 and returns a message",
    "selection.services.last_promotion": "reads a cadre's positions",
    "selection.services.exceptional_problems": "reads a candidate's positions and returns messages",
}
WRITES.update(SELECTION_WRITES)


def _supervision() -> Any:
    from supervision import services

    return services


def _indicator() -> Any:
    from supervision.models import Indicator

    return Indicator.objects.get(name="政治担当")


def _conduct(t: Any) -> Any:
    return _supervision().conduct_add(
        acting_user=t.fresh("clerk"),
        cadre=t.cadre(),
        polarity="negative",
        date=dt.date(2025, 3, 1),
        indicator=_indicator(),
        source="巡察反馈",
        evidence="防汛期间擅离岗位",
    )


def _report_year(t: Any) -> Any:
    return _supervision().report_year_create(
        acting_user=t.fresh("clerk"), unit=t.unit("a"), year=2025, rank_levels=["141"]
    )


def _report_year_and_newcomer(t: Any) -> Any:
    report_year = _report_year(t)
    newcomer = cadres.cadre_create(
        acting_user=t.fresh("clerk"),
        unit=t.unit("a"),
        name="孙新任",
        sex="1",
        birth_date=dt.date(1982, 4, 1),
    )
    cadres.position_start(
        acting_user=t.fresh("clerk"),
        cadre=newcomer,
        unit=t.unit("a"),
        title="镇长",
        rank_level="141",
        start_date=dt.date(2026, 3, 1),
    )
    return report_year


def _report(t: Any) -> Any:
    return _report_year(t).reports.get(cadre=t.cadre())


def _submitted_year(t: Any) -> Any:
    report_year = _report_year(t)
    _supervision().report_submit(
        acting_user=t.fresh("clerk"),
        report=report_year.reports.get(cadre=t.cadre()),
        submitted_on=dt.date(2026, 1, 10),
    )
    return report_year


def _report_item(t: Any) -> Any:
    return _supervision().report_item_add(
        acting_user=t.fresh("clerk"), report=_report(t), category="housing", content="住房一套"
    )


def _checked_report(t: Any) -> Any:
    return (
        _supervision()
        .targeted_check_add(
            acting_user=t.fresh("clerk"),
            report_year=_report_year(t),
            cadre=t.cadre(),
            reason="凡提必查",
        )
        .report
    )


def _key_unit(t: Any) -> Any:
    return _supervision().key_unit_mark(
        acting_user=t.fresh("clerk"), unit=t.unit("a"), reason="power"
    )


def _key_post(t: Any) -> Any:
    return _supervision().key_post_add(
        acting_user=t.fresh("clerk"), unit=t.unit("a"), title="财政所所长"
    )


def _trait(t: Any) -> Any:
    return _supervision().trait_add(
        acting_user=t.fresh("sysadmin"), indicator=_indicator(), text="急难险重任务冲锋在前"
    )


SUP_WRITES: dict[str, Row] = {
    "supervision.services.conduct_add": lambda t: lambda: _conduct(t),
    "supervision.services.conduct_update": lambda t: _then(
        _conduct(t),
        lambda entry: _supervision().conduct_update(
            acting_user=t.fresh("clerk"), entry=entry, evidence="改为：汛期值守不到位"
        ),
    ),
    "supervision.services.conduct_delete": lambda t: _then(
        _conduct(t),
        lambda entry: _supervision().conduct_delete(acting_user=t.fresh("clerk"), entry=entry),
    ),
    "supervision.services.report_year_create": lambda t: lambda: _report_year(t),
    # A cadre who came to the reporting level after the year was opened gets a report.
    "supervision.services.reports_generate": lambda t: _then(
        _report_year_and_newcomer(t),
        lambda year: _supervision().reports_generate(
            acting_user=t.fresh("clerk"), report_year=year
        ),
    ),
    "supervision.services.report_submit": lambda t: _then(
        _report(t),
        lambda report: _supervision().report_submit(
            acting_user=t.fresh("clerk"), report=report, submitted_on=dt.date(2026, 1, 10)
        ),
    ),
    "supervision.services.report_unsubmit": lambda t: _then(
        _submitted_year(t),
        lambda year: _supervision().report_unsubmit(
            acting_user=t.fresh("clerk"),
            report=year.reports.get(cadre=t.cadre()),
            reason="登记有误",
        ),
    ),
    "supervision.services.report_item_add": lambda t: _then(
        _report(t),
        lambda report: _supervision().report_item_add(
            acting_user=t.fresh("clerk"), report=report, category="passport", content="普通护照一本"
        ),
    ),
    "supervision.services.report_item_delete": lambda t: _then(
        _report_item(t),
        lambda item: _supervision().report_item_delete(acting_user=t.fresh("clerk"), item=item),
    ),
    "supervision.services.report_read_record": lambda t: _then(
        _report(t),
        lambda report: _supervision().report_read_record(
            acting_user=t.fresh("clerk"), report=report, items=[], findings=[]
        ),
    ),
    "supervision.services.spot_check_draw": lambda t: _then(
        _submitted_year(t),
        lambda year: _supervision().spot_check_draw(
            acting_user=t.fresh("clerk"), report_year=year, seed=7
        ),
    ),
    "supervision.services.targeted_check_add": lambda t: _then(
        _report_year(t),
        lambda year: _supervision().targeted_check_add(
            acting_user=t.fresh("clerk"), report_year=year, cadre=t.cadre(), reason="拟提拔人选"
        ),
    ),
    "supervision.services.finding_add": lambda t: _then(
        _checked_report(t),
        lambda report: _supervision().finding_add(
            acting_user=t.fresh("clerk"),
            report=report,
            kind="omission",
            subkind="om_housing_area",
            description="少报车位一个",
            consequence="批评教育",
        ),
    ),
    "supervision.services.key_unit_mark": lambda t: lambda: _key_unit(t),
    "supervision.services.key_unit_unmark": lambda t: _then(
        _key_unit(t),
        lambda key_unit: _supervision().key_unit_unmark(
            acting_user=t.fresh("clerk"), key_unit=key_unit
        ),
    ),
    "supervision.services.key_post_add": lambda t: lambda: _key_post(t),
    "supervision.services.key_post_update": lambda t: _then(
        _key_post(t),
        lambda post: _supervision().key_post_update(
            acting_user=t.fresh("clerk"), post=post, rotation_years=3
        ),
    ),
    "supervision.services.key_post_delete": lambda t: _then(
        _key_post(t),
        lambda post: _supervision().key_post_delete(acting_user=t.fresh("clerk"), post=post),
    ),
    # The indicator catalogue is kept by the 系统管理员.
    "supervision.services.indicator_create": lambda t: (
        lambda: _supervision().indicator_create(
            acting_user=t.fresh("sysadmin"), name="政治品格", description="对党忠诚老实"
        )
    ),
    "supervision.services.indicator_update": lambda t: (
        lambda: _supervision().indicator_update(
            acting_user=t.fresh("sysadmin"), indicator=_indicator(), is_active=False
        )
    ),
    "supervision.services.trait_add": lambda t: lambda: _trait(t),
    "supervision.services.trait_update": lambda t: _then(
        _trait(t),
        lambda trait: _supervision().trait_update(
            acting_user=t.fresh("sysadmin"), trait=trait, text="急难险重任务勇挑重担"
        ),
    ),
    "supervision.services.trait_delete": lambda t: _then(
        _trait(t),
        lambda trait: _supervision().trait_delete(acting_user=t.fresh("sysadmin"), trait=trait),
    ),
}
WRITES.update(SUP_WRITES)


def _id_conflict(t: Any) -> Any:
    """A 身份证号核实 request: a clerk of 乙镇 enters the number of 甲镇's cadre."""
    from cadres.models import IdNumberConflict

    clerk_b = make_user("clerk_b", Role.CADRE_CLERK, t.unit("b"))
    cadres.cadre_create(
        acting_user=clerk_b, unit=t.unit("b"), name="赵伟国", id_number="433101197803152136"
    )
    return IdNumberConflict.objects.get()


# Decided by whoever may change the holder (the county's 干部科 clerk here).
WRITES["cadres.services.id_conflict_transfer"] = lambda t: _then(
    _id_conflict(t),
    lambda conflict: cadres.id_conflict_transfer(acting_user=t.fresh("clerk"), conflict=conflict),
)
WRITES["cadres.services.id_conflict_reject"] = lambda t: _then(
    _id_conflict(t),
    lambda conflict: cadres.id_conflict_reject(
        acting_user=t.fresh("clerk"), conflict=conflict, reason="非同一人"
    ),
)

PURE: dict[str, str] = {
    "cadres.services.derive_columns": "sets attributes of an object in memory",
    "accounts.services.generate_password": "returns a random string; touches no data",
    "alerts.services.last_scheduled_run": "reads the time of the last scheduled run",
    "accounts.services.password_expired": "reads the password's age",
    "accounts.services.totp_required": "reads the user's grants and settings",
    "accounts.services.totp_code_required": "reads the user's grants and settings",
    "accounts.services.account_locked": "reads the user's lockout time",
    "accounts.services.token_digest": "hashes a string",
    "audit.services.snapshot": "reads field values of an instance",
    "audit.services.editable": "compares field names with the editable ones",
    "audit.services.diff": "compares two dicts",
    "audit.services.canonical": "serialises an event for its MAC",
    "audit.services.compute_mac": "computes an HMAC",
    "audit.services.subjects_digest": "hashes a list of ids",
    "cadres.services.validate_cadre": "checks an unsaved instance's fields (reads code tables)",
    "cadres.services.read_photo": "checks and re-encodes image bytes in memory",
    "cadres.services.generated_resume": "builds the 简历 text from records passed in",
    # It does write the cached columns, but only as part of the audited service that calls it;
    # on a record whose columns are in step (every saved one) it changes nothing: see below.
    "cadres.services.refresh_derived": "recomputes cached columns from the audited records",
}
PURE.update(SELECTION_PURE)

# Writes that record no audit event of their own today. Each has an expected-failure test
# below that asserts the event, so the gap stays visible and the test turns red once fixed.
KNOWN_GAPS: dict[str, str] = {}


# What each row's call must record: the action and the type of the object it names. The
# object itself must be a row that the call created, changed or deleted (or whose own rows,
# by a foreign key, it created, changed or deleted: a cadre's 任职 is recorded on the cadre).
C, U, D = AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE
EVENTS: dict[str, tuple[str, str]] = {
    "accounts.services.user_create": (C, "accounts.User"),
    "accounts.services.user_update": (U, "accounts.User"),
    "accounts.services.user_set_active": (U, "accounts.User"),
    "accounts.services.user_unlock": (U, "accounts.User"),
    "accounts.services.user_reset_password": (AuditAction.PASSWORD_RESET, "accounts.User"),
    "accounts.services.password_reset_confirm": (U, "accounts.User"),
    "accounts.services.password_reset_notice": (U, "accounts.User"),
    "accounts.services.totp_code_issue": (C, "accounts.TotpEnrolmentCode"),
    "accounts.services.totp_code_redeem": (U, "accounts.TotpEnrolmentCode"),
    "accounts.services.password_change": (AuditAction.PASSWORD_CHANGE, "accounts.User"),
    "accounts.services.grant_add": (AuditAction.GRANT, "accounts.RoleGrant"),
    "accounts.services.grant_remove": (AuditAction.REVOKE, "accounts.RoleGrant"),
    "accounts.services.login_attempt": (AuditAction.LOGIN_FAILED, "accounts.User"),
    "accounts.services.login_record": (AuditAction.LOGIN, "accounts.User"),
    "accounts.services.logout_record": (AuditAction.LOGOUT, "accounts.User"),
    "accounts.services.session_rekey": (U, "accounts.User"),
    "accounts.services.totp_accept": (AuditAction.SECOND_FACTOR, "accounts.User"),
    "accounts.services.totp_failed": (AuditAction.LOGIN_FAILED, "accounts.User"),
    "accounts.services.totp_enrol": (U, "accounts.User"),
    "accounts.services.api_token_create": (C, "accounts.ApiToken"),
    "accounts.services.api_token_revoke": (AuditAction.REVOKE, "accounts.ApiToken"),
    "accounts.services.system_user_create": (C, "accounts.User"),
    "orgs.services.unit_create_root": (C, "orgs.Unit"),
    "orgs.services.unit_create": (C, "orgs.Unit"),
    "orgs.services.unit_update": (U, "orgs.Unit"),
    "orgs.services.unit_move": (AuditAction.MOVE, "orgs.Unit"),
    "orgs.services.unit_deactivate": (D, "orgs.Unit"),
    "orgs.services.unit_restore": (AuditAction.RESTORE, "orgs.Unit"),
    "orgs.services.quota_set": (C, "orgs.PostQuota"),
    "cadres.services.cadre_create": (C, "cadres.Cadre"),
    "cadres.services.cadre_update": (U, "cadres.Cadre"),
    "cadres.services.cadre_transfer": (AuditAction.MOVE, "cadres.Cadre"),
    "cadres.services.cadre_set_status": (U, "cadres.Cadre"),
    "cadres.services.cadre_reveal_id": (AuditAction.REVEAL, "cadres.Cadre"),
    "cadres.services.audit_record_reveal": (AuditAction.REVEAL, "cadres.Cadre"),
    "cadres.services.audit_record_view": (AuditAction.VIEW, "cadres.Cadre"),
    "cadres.services.position_start": (C, "cadres.Cadre"),
    "cadres.services.position_update": (U, "cadres.Cadre"),
    "cadres.services.position_end": (U, "cadres.Cadre"),
    "cadres.services.position_delete": (D, "cadres.Cadre"),
    "cadres.services.education_add": (C, "cadres.Cadre"),
    "cadres.services.education_update": (U, "cadres.Cadre"),
    "cadres.services.education_delete": (D, "cadres.Cadre"),
    "cadres.services.assessment_set": (C, "cadres.Cadre"),
    "cadres.services.assessment_delete": (D, "cadres.Cadre"),
    "cadres.services.record_add": (C, "cadres.Cadre"),
    "cadres.services.record_delete": (D, "cadres.Cadre"),
    "cadres.services.family_add": (C, "cadres.Cadre"),
    "cadres.services.family_update": (U, "cadres.Cadre"),
    "cadres.services.family_delete": (D, "cadres.Cadre"),
    "cadres.services.photo_set": (U, "cadres.Cadre"),
    "cadres.services.photo_delete": (D, "cadres.Cadre"),
    "cadres.services.column_set_save": (U, "cadres.RosterColumnSet"),
    "cadres.services.column_set_delete": (D, "cadres.RosterColumnSet"),
    "cadres.services.cadre_import": (AuditAction.IMPORT, "cadres.Cadre"),
    "cadres.services.cadre_import_many": (AuditAction.IMPORT, "cadres.Cadre"),
    # The holder moves in (its duplicate is deleted, the request closed: events of their own).
    "cadres.services.id_conflict_transfer": (AuditAction.MOVE, "cadres.Cadre"),
    "cadres.services.id_conflict_reject": (U, "cadres.IdNumberConflict"),
    "audit.services.audit_record": (AuditAction.VIEW, "orgs.Unit"),
    "audit.services.audit_record_many": (AuditAction.IMPORT, ""),
    "audit.services.audit_record_standalone": (AuditAction.EXPORT, ""),
    "audit.services.audit_record_export": (AuditAction.EXPORT, "cadres.Cadre"),
    "audit.services.audit_record_export_standalone": (AuditAction.DOWNLOAD, "cadres.Cadre"),
    "audit.services.record_update": (U, "orgs.Unit"),
    "alerts.services.alert_set_status": (U, "alerts.Alert"),
    "alerts.services.alert_acknowledge": (U, "alerts.Alert"),
    "alerts.services.alerts_set_status_many": (U, "alerts.Alert"),
    "alerts.services.alert_dismiss": (U, "alerts.Alert"),
    "alerts.services.alert_reopen": (U, "alerts.Alert"),
    "alerts.services.rule_update": (U, "alerts.AlertRule"),
    "alerts.services.alert_visit_record": (AuditAction.VIEW, "alerts.centre"),
    "alerts.services.alerts_compute_after_import": (U, "alerts.run"),
    "alerts.services.alerts_compute": (U, "alerts.run"),
    "alerts.services.alerts_compute_scheduled": (U, "alerts.run"),
    "development.services.pool_create": (C, "development.Pool"),
    "development.services.pool_update": (U, "development.Pool"),
    "development.services.pool_entry_add": (C, "development.PoolEntry"),
    "development.services.pool_entry_exit": (U, "development.PoolEntry"),
    "development.services.pool_evidence_add": (C, "development.PoolEntry"),
    "development.services.pool_evidence_delete": (D, "development.PoolEntry"),
    "development.services.programme_create": (C, "development.Programme"),
    "development.services.programme_update": (U, "development.Programme"),
    "development.services.assignment_create": (C, "development.Assignment"),
    "development.services.assignment_update": (U, "development.Assignment"),
    "development.services.assignment_start": (U, "development.Assignment"),
    "development.services.assignment_evaluate": (U, "development.Assignment"),
    "development.services.assignment_end": (U, "development.Assignment"),
    "development.services.assignment_cancel": (U, "development.Assignment"),
    "selection.services.attachment_add": (C, "selection.SelectionCase"),
    "selection.services.attachment_delete": (D, "selection.SelectionCase"),
    "selection.services.case_create": (C, "selection.SelectionCase"),
    "selection.services.post_add": (U, "selection.SelectionCase"),
    "selection.services.stage_record_set": (U, "selection.SelectionCase"),
    "selection.services.case_advance": (U, "selection.SelectionCase"),
    "selection.services.candidate_add": (U, "selection.SelectionCase"),
    "selection.services.candidate_withdraw": (U, "selection.SelectionCase"),
    "selection.services.checklist_set": (U, "selection.SelectionCase"),
    "selection.services.decision_record": (U, "selection.SelectionCase"),
    "selection.services.notice_set": (U, "selection.SelectionCase"),
    "supervision.services.conduct_add": (C, "supervision.ConductEntry"),
    "supervision.services.conduct_update": (U, "supervision.ConductEntry"),
    "supervision.services.conduct_delete": (D, "supervision.ConductEntry"),
    "supervision.services.report_year_create": (C, "supervision.ReportYear"),
    "supervision.services.reports_generate": (U, "supervision.ReportYear"),
    "supervision.services.report_submit": (U, "supervision.PersonalReport"),
    "supervision.services.report_unsubmit": (U, "supervision.PersonalReport"),
    "supervision.services.report_item_add": (C, "supervision.PersonalReport"),
    "supervision.services.report_item_delete": (D, "supervision.PersonalReport"),
    "supervision.services.report_read_record": (AuditAction.VIEW, "supervision.PersonalReport"),
    "supervision.services.spot_check_draw": (C, "supervision.SpotCheck"),
    "supervision.services.targeted_check_add": (C, "supervision.PersonalReport"),
    "supervision.services.finding_add": (C, "supervision.PersonalReport"),
    "supervision.services.key_unit_mark": (C, "supervision.KeyUnit"),
    "supervision.services.key_unit_unmark": (D, "supervision.KeyUnit"),
    "supervision.services.key_post_add": (C, "supervision.KeyPost"),
    "supervision.services.key_post_update": (U, "supervision.KeyPost"),
    "supervision.services.key_post_delete": (D, "supervision.KeyPost"),
    "supervision.services.indicator_create": (C, "supervision.Indicator"),
    "supervision.services.indicator_update": (U, "supervision.Indicator"),
    "supervision.services.trait_add": (C, "supervision.BehaviourTrait"),
    "supervision.services.trait_update": (U, "supervision.BehaviourTrait"),
    "supervision.services.trait_delete": (D, "supervision.BehaviourTrait"),
}

# Events about an object the call reads without changing it: the object must exist.
READS: dict[str, str] = {
    "cadres.services.cadre_reveal_id": "shows the full 身份证号: a read, recorded as sensitive",
    "cadres.services.audit_record_reveal": "records a reveal made by its caller",
    "cadres.services.audit_record_view": "records that a cadre's record was opened",
    "audit.services.audit_record": "the log's writer, asked to record a view of a unit",
    "audit.services.audit_record_export_standalone": "records a download of one cadre's form",
    "supervision.services.report_read_record": "records that a report was read",
}
# Events that name no row: their object_id is checked here instead.
NO_ROW: dict[str, str] = {
    "audit.services.audit_record_many": "the log's writer, given an event without an object",
    "audit.services.audit_record_standalone": "the log's writer, given an export of a list",
    "audit.services.audit_record_export": "an export of a list; its cadres are the subjects",
    "alerts.services.alert_visit_record": "a visit to the 预警 centre (object 'alerts.centre')",
    "alerts.services.alerts_compute": "one event per run, named by the scope's unit path",
    "alerts.services.alerts_compute_scheduled": "one event per tree and day, named by its root",
    "alerts.services.alerts_compute_after_import": "one event per import, named by its unit path",
}

# --- every function that writes, in any module of the project's apps -----------------------

# Calls that write to the database: the ORM's writers, and the project's COPY/bulk insert.
WRITE_CALLS = frozenset(
    {
        "save",
        "create",
        "update",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "copy_insert",
    }
)

# Private helpers that write only as a step of the audited services that call them. The test
# checks that every caller in the module is itself in WRITES (or another such helper).
WRITE_HELPERS: dict[str, str] = {
    "accounts.services._set_password": "password_change, user_reset_password, system_user_create",
    "accounts.services._end_sessions": "user_set_active, password_change (the user's event)",
    "accounts.services._revoke_tokens": "user_set_active (the user's event)",
    "accounts.services._count_failure": "login_attempt, totp_failed (login_failed events)",
    "cadres.services._bump": "every cadre write: the version of the audited cadre",
    "cadres.services._delete_child": "position/education/assessment/record/family_delete",
    "cadres.services._child_write": "the add/update services of a cadre's records",
    "cadres.services._open_conflict": "cadre_create / cadre_import of a number held elsewhere",
    "cadres.services._close_conflict": "the 身份证号核实 services",
    "orgs.services._insert": "unit_create, unit_create_root",
    "selection.services._bump": "every selection write: the version of the audited case",
    "selection.services._post_add": "case_create, post_add",
    "selection.services._set_candidate_status": "candidate_withdraw, case_advance",
    "selection.services._appoint": "case_advance to 任职 (the case's event)",
    "supervision.services._delete": "conduct/report_item/key_post/trait_delete, key_unit_unmark",
    "supervision.services._generate": "report_year_create, reports_generate",
    "development.services._save_assignment": "the assignment_* services",
    "supervision.services._save_indicator": "indicator_update (record_update records it)",
}

# Writes that record no event of their own, by design.
EXEMPT: dict[str, str] = {
    "audit.models.AuditEvent.save": "the audit log itself (append-only)",
    "core.bulk.copy_insert": "the COPY / bulk insert primitive; each caller is listed here",
    "core.codes.load_code_tables": "loads the national code tables (migration, load_codes)",
    "alerts.registry.install_catalogue": "installs the built-in 预警 rules (migrate, no actor)",
    "alerts.engine.sync": "stores a computation's alerts: alerts_compute records the run",
    "alerts.signals.rewrite_alert_paths": "receiver of a unit move: unit_move records the move",
    "alerts.signals.move_cadre_alerts": "receiver of a transfer: cadre_transfer records it",
    "cadres.signals.rewrite_cadre_paths": "receiver of a unit move: unit_move records the move",
    "accounts.api.TokenAuth.authenticate": "stamps the token's last use (at most every 5 min)",
    "accounts.views._complete_login": "saves the session; login_record records the sign-in",
    "demo.demo.seed": "seed_demo: builds a demonstration database",
    "demo.demo._load": "seed_demo: the demonstration unit tree and quotas",
    "demo.demo._liaisons": "seed_demo: the demonstration accounts",
}

# Matches of the search that are not database writes.
NOT_DB: dict[str, str] = {
    "audit.extensions.register_change_labels": "updates the label dicts of the registry",
    "cadres.approval_form._render": "saves the PDF canvas",
    "cadres.excel_import.ExcelPlan.error_workbook": "saves a workbook to memory",
    "cadres.excel_import.template_xlsx": "saves a workbook to memory",
    "orgs.tree_import.units_template_xlsx": "saves a workbook to memory",
    "cadres.views._import_rows": "updates a dict (the preview row's fields)",
    "core.excel.write_xlsx": "saves a workbook to memory",
    "core.attachments._image": "saves a re-encoded image to memory",
    "demo.demo_cadres.showcase_photo": "saves a generated image to memory",
    "core.crypto._encrypt_raw": "feeds the cipher",
    "core.crypto._decrypt_raw": "feeds the cipher",
    "supervision.extensions.forget_indicators": "clears a cache entry",
    "cadres.form.form_from_cadre": "dict.update",
    "cadres.forms.MonthField.__init__": "dict.update of widget attributes",
    "cadres.forms.IdNumberField.__init__": "dict.update of widget attributes",
    "cadres.lrmx._education_texts": "dict.update",
    "cadres.lrmx.form_to_cadre_data": "dict.update",
    "cadres.lrmx.cadre_to_form": "dict.update",
    "cadres.models.Cadre.audit_labels": "dict.update",
    "development.models.PoolEntry.audit_labels": "dict.update",
    "cadres.roster._fields_for": "dict.update",
    "cadres.services._prepare_import": "dict.update of an import row",
    "cadres.views.child_form_view": "dict.update of a form's initial data",
    "development.services._assignment_state": "dict.update",
    "development.views.pool_detail_view": "dict.update of the template context",
    "demo.demo_cadres.Row.__init__": "dict.update of the instance",
    "selection.choices._transitions": "set.update",
    "alerts.rules.teams._holder_counts": "dict.update",
}


def writing_functions() -> dict[str, set[str]]:
    """``module.function`` (``module.Class.method``) → the write calls in its body, for every
    module of the project's apps but their tests and migrations."""
    found: dict[str, set[str]] = {}

    def calls_in(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
        calls: set[str] = set()
        for stmt in fn.body:  # not the decorators (@router.delete is no write)
            for node in ast.walk(stmt):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if (isinstance(func, ast.Attribute) and func.attr in WRITE_CALLS) or (
                    isinstance(func, ast.Name) and func.id == "copy_insert"
                ):
                    calls.add(ast.unparse(func))
        return calls

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                if calls := calls_in(child):
                    found[f"{prefix}{child.name}"] = calls
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    for app in apps.get_app_configs():
        root = Path(app.path)
        if not root.is_relative_to(settings.BASE_DIR):
            continue
        if root.relative_to(settings.BASE_DIR).parts[:1] in ((".venv",), ("mutants",)):
            continue  # an installed package, or a mutation-testing copy of the project
        for file in sorted(root.rglob("*.py")):
            parts = file.relative_to(root).parts
            if "tests" in parts or "migrations" in parts:
                continue
            module = ".".join([app.name, *file.with_suffix("").relative_to(root).parts])
            visit(ast.parse(file.read_text("utf-8")), f"{module}.")
    return found


def callers_in_module(qualified: str) -> set[str]:
    """The functions of ``qualified``'s module whose body names it."""
    module, _, name = qualified.rpartition(".")
    tree = ast.parse(Path(importlib.import_module(module).__file__ or "").read_text("utf-8"))
    callers: set[str] = set()
    for fn in tree.body:
        if (
            isinstance(fn, ast.FunctionDef)
            and fn.name != name
            and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(fn))
        ):
            callers.add(f"{module}.{fn.name}")
    return callers


def model_rows(model: type[models.Model]) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row for row in model._base_manager.order_by("pk").values_list()}


def watched(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """``(model, field)``: the target's own rows (``pk``) and every row pointing to it."""
    out: list[tuple[type[models.Model], str]] = [(target, "pk")]
    for model in apps.get_models():
        if model is AuditEvent:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is target:
                out.append((model, field.attname))
    return out


def changed_ids(
    watch: list[tuple[type[models.Model], str]],
    before: list[dict[Any, tuple[Any, ...]]],
    after: list[dict[Any, tuple[Any, ...]]],
) -> set[str]:
    """Ids of target rows created, changed or deleted, directly or through a row of theirs."""
    ids: set[str] = set()
    for (model, attname), old, new in zip(watch, before, after, strict=True):
        index = (
            0
            if attname == "pk"
            else [f.attname for f in model._meta.concrete_fields].index(attname)
        )
        for pk in old.keys() | new.keys():
            if old.get(pk) != new.get(pk):
                for row in (old.get(pk), new.get(pk)):
                    if row is not None and row[index] is not None:
                        ids.add(str(row[index]))
    return ids


def _pure_candidate(t: Any) -> Any:
    return _sel_candidate(t)


# Each function listed as pure, called with realistic arguments (prepared beforehand).
PURE_CALLS: dict[str, Callable[[Any], Callable[[], Any]]] = {
    "cadres.services.derive_columns": lambda t: _then(
        t.cadre(),
        lambda c: cadres.derive_columns(c, list(c.positions.all()), list(c.educations.all())),
    ),
    "accounts.services.generate_password": lambda t: accounts.generate_password,
    "alerts.services.last_scheduled_run": lambda t: _alerts().last_scheduled_run,
    "accounts.services.password_expired": lambda t: _then(
        t.fresh("clerk"), accounts.password_expired
    ),
    "accounts.services.totp_required": lambda t: _then(t.fresh("sysadmin"), accounts.totp_required),
    "accounts.services.totp_code_required": lambda t: _then(
        t.fresh("sysadmin"), accounts.totp_code_required
    ),
    "accounts.services.account_locked": lambda t: _then(t.fresh("clerk"), accounts.account_locked),
    "accounts.services.token_digest": lambda t: lambda: accounts.token_digest("zg_abc"),
    "audit.services.snapshot": lambda t: _then(t.unit("a"), audit.snapshot),
    "audit.services.editable": lambda t: lambda: audit.editable({"name": "甲镇"}, ["name"]),
    "audit.services.diff": lambda t: lambda: audit.diff({"name": "甲乡"}, {"name": "甲镇"}),
    "audit.services.canonical": lambda t: _then(
        AuditEvent.objects.order_by("-seq").first(), audit.canonical
    ),
    "audit.services.subjects_digest": lambda t: lambda: audit.subjects_digest([3, 1, 2]),
    "audit.services.compute_mac": lambda t: _then(
        AuditEvent.objects.order_by("-seq").first(), lambda e: audit.compute_mac(e, e.prev_mac)
    ),
    "cadres.services.validate_cadre": lambda t: _then(t.cadre(), cadres.validate_cadre),
    "cadres.services.read_photo": lambda t: lambda: cadres.read_photo(_png()),
    "cadres.services.generated_resume": lambda t: _then(
        t.cadre(),
        lambda c: cadres.generated_resume(c, c.positions.all(), c.educations.all()),
    ),
    "cadres.services.refresh_derived": lambda t: _then(t.cadre(), cadres.refresh_derived),
    "selection.services.assessment_problem": lambda t: _then(
        t.cadre(), lambda c: _selection().assessment_problem(c, dt.date(2026, 6, 10))
    ),
    "selection.services.last_promotion": lambda t: _then(t.cadre(), _selection().last_promotion),
    "selection.services.exceptional_problems": lambda t: _then(
        _pure_candidate(t), lambda c: _selection().exceptional_problems(c, dt.date(2026, 6, 10))
    ),
}
# It does issue an UPDATE of the cached columns (with the values they already hold): its
# tables must come out unchanged, but the statement itself is allowed.
REWRITES_SAME_VALUES = {"cadres.services.refresh_derived"}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|COPY)\b", re.IGNORECASE)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    return {m._meta.label: list(model_rows(m).values()) for m in apps.get_models()}


def public_service_functions() -> set[str]:
    """``module.function`` for every public function defined in a project app's services.py."""
    found: set[str] = set()
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(settings.BASE_DIR):
            continue
        if not (Path(app.path) / "services.py").exists():
            continue
        module = importlib.import_module(f"{app.name}.services")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                found.add(f"{module.__name__}.{name}")
    return found


class WritePathsAuditedTests(PersonaTestCase):
    cadre_pk: int

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        clerk, a = cls.clerk, cls.units["a"]
        cadre = cadres.cadre_create(
            acting_user=clerk,
            unit=a,
            name="赵卫国",
            id_number="433101197803152136",
            ethnicity="01",
            political_status="01",
        )
        cadres.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=a,
            title="党委书记",
            rank_level="141",
            start_date=dt.date(2019, 1, 1),
        )
        cadres.education_add(
            acting_user=clerk,
            cadre=cadre,
            kind=EducationKind.FULL_TIME,
            education_level="21",
            degree="402",
            school="测试大学",
            major="经济学专业",
            start_date=dt.date(1996, 9, 1),
            end_date=dt.date(2000, 7, 1),
        )
        cadres.assessment_set(
            acting_user=clerk, cadre=cadre, year=2024, grade=AssessmentGrade.EXCELLENT
        )
        cadres.record_add(
            acting_user=clerk,
            cadre=cadre,
            kind=RecordKind.REWARD,
            name="优秀共产党员",
            date=dt.date(2021, 7, 1),
        )
        cadres.family_add(
            acting_user=clerk, cadre=cadre, relation="妻子", name="钱秀英", political_status="群众"
        )
        cadres.photo_set(acting_user=clerk, cadre=cadre, data=_png())
        cls.cadre_pk = cadre.pk

    def fresh(self, username: str) -> User:
        return User.objects.get(username=username)

    def unit(self, key: str) -> Unit:
        return Unit.objects.get(pk=self.units[key].pk)

    def cadre(self) -> Cadre:
        return Cadre.objects.get(pk=self.cadre_pk)

    def test_it_lists_every_public_service_function(self):
        found = public_service_functions()
        assert {"accounts.services.user_create", "orgs.services.unit_move"} <= found
        assert not set(WRITES) & set(PURE)
        listed = set(WRITES) | set(PURE) | set(KNOWN_GAPS)
        unlisted = found - listed
        assert unlisted == set(), "new service functions: add them to WRITES (or PURE)"
        assert listed - found == set(), "rows for functions that no longer exist"

    def test_it_audits_every_state_changing_service(self):
        assert set(EVENTS) == set(WRITES), "give each row of WRITES its expected event"
        assert set(READS) | set(NO_ROW) <= set(WRITES)
        for name, row in WRITES.items():
            action, object_type = EVENTS[name]
            with self.subTest(service=name), transaction.atomic():
                call = row(self)
                watch = [] if name in NO_ROW | READS else watched(apps.get_model(object_type))
                rows_before = [model_rows(m) for m, _ in watch]
                last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
                before = AuditEvent.objects.count()
                call()
                assert AuditEvent.objects.count() > before
                events = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq"))
                named = [e for e in events if (e.action, e.object_type) == (action, object_type)]
                assert named, [(e.action, e.object_type, e.object_id) for e in events]
                if name in READS:
                    model = apps.get_model(object_type)
                    assert all(model._base_manager.filter(pk=e.object_id).exists() for e in named)
                elif name not in NO_ROW:
                    changed = changed_ids(watch, rows_before, [model_rows(m) for m, _ in watch])
                    assert {e.object_id for e in named} <= changed, changed
                transaction.set_rollback(True)

    def test_it_records_the_object_that_no_row_events_are_about(self):
        from alerts.registry import Scope

        with transaction.atomic():
            audit.audit_record_many(
                [audit.PendingEvent(action=AuditAction.IMPORT, actor=None, object_repr="名册")]
            )
            scope = Scope(path=self.unit("a").path, today=dt.date(2026, 6, 10))
        _alerts().alerts_compute(acting_user=self.fresh("clerk"), scope=scope)
        run = AuditEvent.objects.filter(object_type="alerts.run").latest("seq")
        assert (run.action, run.object_id) == (AuditAction.UPDATE, self.unit("a").path)
        _alerts().alert_visit_record(acting_user=self.fresh("clerk"))
        visit = AuditEvent.objects.latest("seq")
        assert (visit.action, visit.object_type, visit.object_id) == ("view", "alerts.centre", "")

    def test_it_finds_every_function_that_writes(self):
        found = writing_functions()
        # The search does find writes outside services.py, and the services' own.
        assert {
            "alerts.engine.sync",
            "accounts.api.TokenAuth.authenticate",
            "orgs.services.unit_move",
            "core.bulk.copy_insert",
        } <= set(found)
        lists = [set(WRITES), set(PURE), set(KNOWN_GAPS), set(WRITE_HELPERS), set(EXEMPT)]
        lists.append(set(NOT_DB))
        assert sum(len(x) for x in lists) == len(set().union(*lists)), "listed twice"
        unlisted = set(found) - set().union(*lists)
        assert unlisted == set(), (
            "functions that write: run them in WRITES, or list them with a reason"
        )
        stale = (set(WRITE_HELPERS) | set(EXEMPT) | set(NOT_DB)) - set(found)
        assert stale == set(), "rows for functions that no longer write (or exist)"

    def test_it_calls_write_helpers_only_from_audited_services(self):
        allowed = set(WRITES) | set(WRITE_HELPERS)

        def unaudited_paths(name: str, seen: frozenset[str]) -> set[str]:
            """Callers of ``name`` (through private functions) that are not audited."""
            if name in allowed and name not in WRITE_HELPERS:
                return set()
            callers = callers_in_module(name) - seen
            if not callers:
                return {f"{name} (called by nothing)"} if name not in seen else set()
            out: set[str] = set()
            for caller in callers:
                if caller in allowed and caller not in WRITE_HELPERS:
                    continue
                if caller.rpartition(".")[2].startswith("_"):
                    out |= unaudited_paths(caller, seen | {name})
                else:
                    out.add(caller)  # a public function that is not in WRITES
            return out

        for helper in WRITE_HELPERS:
            with self.subTest(helper=helper):
                assert callers_in_module(helper), "a helper nobody calls"
                assert unaudited_paths(helper, frozenset()) == set()

    def test_it_runs_every_pure_function_without_writing(self):
        assert set(PURE_CALLS) == set(PURE)
        for name, prepare in PURE_CALLS.items():
            with self.subTest(function=name), transaction.atomic():
                call = prepare(self)
                tables = every_table()
                last = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
                with CaptureQueriesContext(connection) as queries:
                    call()
                writes = [q["sql"] for q in queries.captured_queries if WRITE_SQL.match(q["sql"])]
                if name in REWRITES_SAME_VALUES:
                    assert all(sql.lstrip().upper().startswith("UPDATE") for sql in writes)
                else:
                    assert writes == []
                assert not AuditEvent.objects.filter(seq__gt=last).exists()
                assert every_table() == tables
                transaction.set_rollback(True)

    def test_it_sees_a_write_in_a_function_called_pure(self):
        # The check above is not blind: an audited write trips each of its assertions.
        tables = every_table()
        with CaptureQueriesContext(connection) as queries:
            cadres.cadre_update(acting_user=self.fresh("clerk"), cadre=self.cadre(), health="良好")
        assert [q for q in queries.captured_queries if WRITE_SQL.match(q["sql"])]
        assert every_table() != tables

    def test_it_writes_no_event_from_pure_helpers(self):
        before = AuditEvent.objects.count()
        clerk = self.fresh("clerk")
        accounts.generate_password()
        accounts.password_expired(clerk)
        accounts.totp_required(clerk)
        accounts.account_locked(clerk)
        accounts.token_digest("zg_x")
        audit.diff(audit.snapshot(self.unit("a")), {})
        cadre = self.cadre()
        require(clerk, Action.CADRES_CHANGE, cadre)  # the scope check every service makes
        cadres.validate_cadre(cadre)
        cadres.read_photo(_png())
        cadres.generated_resume(cadre, cadre.positions.all(), cadre.educations.all())
        cadres.refresh_derived(cadre)
        assert AuditEvent.objects.count() == before

    def test_it_changes_nothing_when_refreshing_a_saved_cadres_derived_columns(self):
        # refresh_derived is listed in PURE: its writes are its callers' (audited) business.
        fields = ("current_title", "rank_level", "grade", "education_level", "degree", "resume")
        before = Cadre.objects.filter(pk=self.cadre_pk).values(*fields).get()
        assert before["current_title"] == "甲镇党委书记"
        assert before["resume"]
        cadres.refresh_derived(self.cadre())
        assert Cadre.objects.filter(pk=self.cadre_pk).values(*fields).get() == before

    # The success path of login_attempt writes no event either: a correct password is
    # audited by login_record once the sign-in completes (after the second factor, if any).
