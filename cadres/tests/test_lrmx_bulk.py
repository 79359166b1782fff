"""LRMX in bulk (issue 14, item 8): several files or a folder in one upload, the preview's
main fields and changes per file, and a file that is not XML named as such."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.lrmx import (
    MSG_NOT_XML,
    Codes,
    LrmxError,
    bundle_uploads,
    commit_import,
    describe_changes,
    parse_lrmx,
    plan_import,
    read_bundle,
    read_upload,
)
from cadres.models import Cadre
from zugong.testing import PersonaTestCase

FIXTURES = Path(__file__).resolve().parent / "lrmx"
# A Word file renamed .lrmx: it starts like a zip (issue 14, item 8: "x06-not-xml.lrmx" was
# reported as "已损坏或不是 zip 压缩包").
NOT_XML = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64 + b"word/document.xml"
NOT_XML_MESSAGE = f"文件“x06-not-xml.lrmx”{MSG_NOT_XML}"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def moved(data: bytes) -> bytes:
    """canonical.lrmx after a move: another 籍贯 and another post."""
    text = data.decode("utf-8")
    text = text.replace("<JiGuan>湖南吉首</JiGuan>", "<JiGuan>湖南凤凰</JiGuan>")
    text = text.replace(
        "<XianRenZhiWu>吉首市乾州街道党工委书记</XianRenZhiWu>",
        "<XianRenZhiWu>吉首市乾州街道党工委书记、一级调研员</XianRenZhiWu>",
    )
    return text.encode("utf-8")


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        NOT_XML,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "张卫东 男 1978.03".encode(),
        b"\xef\xbb\xbf  \r\n\x00\x01binary",
    ],
)
def test_a_file_that_is_not_xml_says_so(data):
    with pytest.raises(LrmxError) as caught:
        parse_lrmx(data, name="x06-not-xml.lrmx")
    assert caught.value.message == NOT_XML_MESSAGE
    assert "zip" not in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        fixture("canonical.lrmx"),
        fixture("bom_crlf.lrmx"),
        fixture("gbk.lrmx"),
    ],
)
def test_xml_files_in_any_encoding_still_read(data):
    assert parse_lrmx(data, name="a.lrmx").get("XingMing")


def test_a_file_named_lrmx_is_never_opened_as_a_zip():
    assert read_upload("x06-not-xml.lrmx", NOT_XML) == [("x06-not-xml.lrmx", NOT_XML)]
    # Without a name that says what it is, zip bytes are still read as a zip.
    with pytest.raises(LrmxError, match="已损坏或不是 zip 压缩包"):
        read_upload("upload", NOT_XML)


def test_a_bundle_keeps_lrmx_xml_and_zip_and_lists_the_rest():
    inner = zip_of({"部门/notes.lrmx": fixture("notes.lrmx"), "部门/说明.txt": b"x"})
    data, kept, skipped = bundle_uploads(
        [
            ("canonical.lrmx", fixture("canonical.lrmx")),
            ("sub/canonical.lrmx", fixture("canonical.lrmx")),  # the same name, another folder
            ("批量.zip", inner),
            ("照片.jpg", b"\xff\xd8"),
            ("Thumbs.db", b"x"),
            (".DS_Store", b"x"),
        ]
    )
    assert kept == ["canonical.lrmx", "canonical (2).lrmx", "批量.zip"]
    assert skipped == ["照片.jpg", "Thumbs.db"]
    more: list[str] = []
    names = [n for n, _ in read_bundle(data, skipped=more)]
    assert names == ["canonical.lrmx", "canonical (2).lrmx", "批量.zip/部门/notes.lrmx"]
    assert more == ["批量.zip/部门/说明.txt"]


def test_a_broken_zip_in_a_bundle_is_named():
    data, _kept, _skipped = bundle_uploads([("a.lrmx", b"<x/>"), ("坏.zip", b"PK\x03\x04junk")])
    with pytest.raises(LrmxError, match=re.escape("文件“坏.zip”已损坏或不是 zip 压缩包")):
        read_bundle(data)


class ChangesTests(PersonaTestCase):
    def test_an_update_lists_what_would_change(self):
        unit = self.units["a"]
        commit_import(
            acting_user=self.clerk, unit=unit, files=[("a.lrmx", fixture("canonical.lrmx"))]
        )
        before = Cadre.objects.get(name="张卫东").version
        plan = plan_import(
            acting_user=self.clerk,
            unit=unit,
            files=[("b.lrmx", moved(fixture("canonical.lrmx")))],
        )
        (row,) = plan.rows
        assert row.status == "update"
        assert (row.name, row.sex, row.birth_month) == ("张卫东", "男", "1978.03")
        assert row.title == "吉首市乾州街道党工委书记、一级调研员"
        assert row.changes == [
            "现任职务：吉首市乾州街道党工委书记 → 吉首市乾州街道党工委书记、一级调研员",
            "籍贯：湖南吉首 → 湖南凤凰",
            "任职：1 条 → 2 条",
        ]
        assert Cadre.objects.get(name="张卫东").version == before  # a preview writes nothing

    def test_changes_read_as_names_and_months(self):
        payload = {
            "before": {"sex": "1", "ethnicity": "01", "birth_date": "1978-03-01", "health": ""},
            "after": {
                "sex": "2",
                "ethnicity": "03",
                "birth_date": "1978-04-01",
                "health": "健康",
                "resume_manual": True,
                "id_number": "（已更改）",
            },
            "parts": {
                "家庭成员": {"before": 4, "after": 5},
                "学历学位": {"before": 2, "after": 2},
                "照片": "更新",
                "lrmx_extra": "更新",
            },
        }
        assert describe_changes(payload, Codes.load()) == [
            "性别：男 → 女",
            "民族：汉族 → 回族",
            "出生年月：1978.03 → 1978.04",
            "健康状况：（空） → 健康",
            "身份证号：已更改",
            "家庭成员：4 条 → 5 条",
            "学历学位：内容有变化（2 条）",
            "照片：更新",
        ]
        assert describe_changes({"parts": {"lrmx_extra": "更新"}}, Codes.load()) == [
            "简历或表中其他栏目有变化"
        ]

    def test_a_new_person_and_an_unchanged_one_list_no_changes(self):
        unit = self.units["a"]
        files = [("a.lrmx", fixture("canonical.lrmx"))]
        plan = plan_import(acting_user=self.clerk, unit=unit, files=files)
        assert (plan.rows[0].status, plan.rows[0].changes) == ("new", [])
        commit_import(acting_user=self.clerk, unit=unit, files=files)
        plan = plan_import(acting_user=self.clerk, unit=unit, files=files)
        assert (plan.rows[0].status, plan.rows[0].changes) == ("unchanged", [])


class BulkPageTests(PersonaTestCase):
    def setUp(self) -> None:
        self.client = self.client_for(self.clerk)

    def upload(self, **fields):
        return self.client.post(
            reverse("cadres:import_lrmx"), {"unit": self.units["a"].code, **fields}, follow=True
        )

    def three_files(self):
        return [
            SimpleUploadedFile("canonical.lrmx", fixture("canonical.lrmx")),
            SimpleUploadedFile("minjian.lrmx", fixture("minjian.lrmx")),
            SimpleUploadedFile("x06-not-xml.lrmx", NOT_XML),
        ]

    def test_several_files_preview_file_by_file(self):
        response = self.upload(file=self.three_files())
        page = response.content.decode()
        rows = {r["where"]: r for r in response.context["rows"]}
        assert set(rows) == {"canonical.lrmx", "minjian.lrmx", "x06-not-xml.lrmx"}
        assert rows["x06-not-xml.lrmx"]["status"] == "error"
        assert rows["x06-not-xml.lrmx"]["messages"] == [NOT_XML_MESSAGE]
        assert "zip 压缩包" not in page
        assert rows["canonical.lrmx"]["status"] == rows["minjian.lrmx"]["status"] == "new"
        assert (rows["minjian.lrmx"]["who"], rows["minjian.lrmx"]["sex"]) == ("赵敏", "女")
        assert rows["minjian.lrmx"]["birth"] == "1979.06"
        assert rows["minjian.lrmx"]["title"] == "测试县财政局副局长"
        for text in ("性别", "出生年月", "现任职务", "测试县财政局副局长", NOT_XML_MESSAGE):
            assert text in page
        assert "canonical.lrmx、minjian.lrmx、x06-not-xml.lrmx（3 个文件）" in page
        assert Cadre.objects.count() == 0

    def test_commit_refuses_all_or_skips_the_bad_file(self):
        response = self.upload(file=self.three_files())
        url = response.request["PATH_INFO"]
        refused = self.client.post(url, {}, follow=True)
        assert "本次导入未写入任何数据" in refused.content.decode()
        assert Cadre.objects.count() == 0
        done = self.client.post(url, {"skip_errors": "1"}, follow=True)
        assert "导入完成" in done.content.decode()
        assert set(Cadre.objects.values_list("name", flat=True)) == {"张卫东", "赵敏"}

    def test_a_folder_reads_its_lrmx_and_zips_and_lists_the_rest(self):
        folder = [
            SimpleUploadedFile("canonical.lrmx", fixture("canonical.lrmx")),
            SimpleUploadedFile("批量.zip", zip_of({"notes.lrmx": fixture("notes.lrmx")})),
            SimpleUploadedFile("说明.docx", b"PK\x03\x04"),
        ]
        response = self.upload(folder=folder)
        rows = response.context["rows"]
        assert [(r["where"], r["status"]) for r in rows] == [
            ("canonical.lrmx", "new"),
            ("批量.zip/notes.lrmx", "new"),
        ]
        page = response.content.decode()
        assert "已跳过 1 个不是任免审批表的文件（只读取 .lrmx、.xml 和 .zip）：说明.docx" in page

    def test_a_folder_without_lrmx_is_refused_on_the_form(self):
        response = self.upload(folder=[SimpleUploadedFile("说明.docx", b"PK\x03\x04")])
        assert "所选文件中没有任免审批表（.lrmx、.xml 或 .zip）文件" in response.content.decode()
        assert response.redirect_chain == []

    def test_nothing_chosen_is_refused_on_the_form(self):
        response = self.upload()
        assert "请选择要导入的文件或目录" in response.content.decode()

    def test_the_size_limit_is_for_all_files_together(self):
        big = b"<Person>" + b" " * (26 * 1024 * 1024) + b"</Person>"
        response = self.upload(
            file=[SimpleUploadedFile("a.lrmx", big), SimpleUploadedFile("b.lrmx", big)]
        )
        assert "文件超过 50 MB 上限，请拆分后分批上传" in response.content.decode()

    def test_an_update_shows_old_and_new_values(self):
        response = self.upload(file=SimpleUploadedFile("a.lrmx", fixture("canonical.lrmx")))
        self.client.post(response.request["PATH_INFO"], {}, follow=True)
        assert Cadre.objects.filter(name="张卫东").exists()
        response = self.upload(
            file=[
                SimpleUploadedFile("张卫东.lrmx", moved(fixture("canonical.lrmx"))),
                SimpleUploadedFile("minjian.lrmx", fixture("minjian.lrmx")),
            ]
        )
        page = response.content.decode()
        assert "籍贯：湖南吉首 → 湖南凤凰" in page
        assert "任职：1 条 → 2 条" in page
