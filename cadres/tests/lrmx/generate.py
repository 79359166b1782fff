"""Writes the LRMX test fixtures of this folder: ``python cadres/tests/lrmx/generate.py``.

The files are written as the 任免表编辑器 lays them out (docs/lrmx.md), by plain text templates —
not by ``cadres.lrmx.build_lrmx`` — so the reader is tested against files it did not write.
Every ID number is built with its check digit (``core.idnumber.build_id_number``) except in
``bad_id.lrmx``. Output is deterministic: running it again gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from PIL import Image, ImageDraw  # noqa: E402

from core.idnumber import build_id_number  # noqa: E402

SAMPLE = HERE.parents[3] / "shared" / "data" / "lrmx" / "sample-canonical.lrmx"
ORDER = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
]
FAMILY = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")


def photo(seed: int) -> bytes:
    """A small 4:5 JPEG, different for each seed."""
    image = Image.new("RGB", (96, 120), (200 - seed * 9, 210, 180 + seed * 5))
    draw = ImageDraw.Draw(image)
    draw.ellipse((28, 18, 68, 62), fill=(240, 200, 170))
    draw.rectangle((18, 70, 78, 120), fill=(30 + seed * 11, 40, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def tag(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>" if text else f"<{name}/>"


def person(
    values: dict[str, str],
    family: list[tuple[str, ...]],
    photo_b64: str,
    *,
    unknown: dict[str, str] | None = None,
    family_extra: dict[int, str] | None = None,
    encoding: str = "utf-8",
) -> str:
    unknown = unknown or {}
    family_extra = family_extra or {}
    lines = [f'<?xml version="1.0" encoding="{encoding}"?>', "<Person>"]
    for element in ORDER:
        if element == "JiaTingChengYuan":
            if family:
                lines.append("  <JiaTingChengYuan>")
                for i, item in enumerate(family):
                    body = "".join(tag(n, t) for n, t in zip(FAMILY, item, strict=True))
                    lines.append(f"    <Item>{body}{family_extra.get(i, '')}</Item>")
                lines.append("  </JiaTingChengYuan>")
            else:
                lines.append("  <JiaTingChengYuan/>")
        elif element == "ZhaoPian":
            lines.append(f"  <ZhaoPian>{photo_b64}</ZhaoPian>" if photo_b64 else "  <ZhaoPian/>")
        else:
            lines.append("  " + tag(element, values.get(element, "")))
        if element in unknown:
            lines.append("  " + unknown[element])
    lines.append("</Person>")
    return "\n".join(lines) + "\n"


def b64(data: bytes, wrap: int = 0) -> str:
    text = base64.b64encode(data).decode("ascii")
    if not wrap:
        return text
    return "\r\n".join(text[i : i + wrap] for i in range(0, len(text), wrap))


def idn(region: str, born: str, seq: int) -> str:
    return build_id_number(region, dt.date(int(born[:4]), int(born[4:6]), int(born[6:])), seq).value


def base(**values: str) -> dict[str, str]:
    common = {
        "JianKangZhuangKuang": "健康",
        "JiangChengQingKuang": "无",
        "NianDuKaoHeJieGuo": "2023年度考核称职；2024年度考核优秀。",
        "RenMianLiYou": "工作需要",
        "ChengBaoDanWei": "中共测试县委组织部",
        "JiSuanNianLingShiJian": "202611",
        "TianBiaoShiJian": "202611",
        "TianBiaoRen": "李明",
        "Version": "3.2.1.16",
    }
    common.update(values)
    return common


def main() -> None:
    sample = (SAMPLE if SAMPLE.exists() else HERE / "canonical.lrmx").read_bytes()
    files: dict[str, bytes] = {}
    files["canonical.lrmx"] = sample
    files["bom_crlf.lrmx"] = b"\xef\xbb\xbf" + sample.replace(b"\n", b"\r\n")

    files["separators.lrmx"] = person(
        base(
            XingMing="李秀兰",
            XingBie="女",
            ChuShengNianYue="198207",
            MinZu="汉族",
            JiGuan="河北石家庄",
            ChuShengDi="河北石家庄",
            RuDangShiJian="200306",
            CanJiaGongZuoShiJian="200307",
            ZhuanYeJiShuZhiWu="",
            ShuXiZhuanYeYouHeZhuanChang="熟悉乡镇财政和社会治理工作",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="管理学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="河北经贸大学财政系财政学专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="河北经贸大学财政系财政学专业",
            XianRenZhiWu="甲镇党委副书记、镇长",
            NiRenZhiWu="甲镇党委书记",
            NiMianZhiWu="甲镇镇长",
            JianLi=(
                "1999.09——2003.07  河北经贸大学财政系财政学专业学习\n"
                "2003.07—2008.05  甲镇财政所科员\n"
                "2008.05－2015.12  甲镇党委委员、副镇长\n"
                "2015.12～2020.06  乙镇党委副书记\n"
                "2020.06--         甲镇党委副书记、镇长"
            ),
            ShenFenZheng=idn("130102", "19820712", 2),
        ),
        [
            ("丈夫", "高峰", "198004", "中共党员", "测试县人民医院医生"),
            ("儿子", "高子轩", "200903", "共青团员", "测试县第一中学学生"),
        ],
        b64(photo(1)),
    ).encode("utf-8")

    files["notes.lrmx"] = person(
        base(
            XingMing="王建国",
            XingBie="男",
            ChuShengNianYue="197511",
            MinZu="汉族",
            JiGuan="湖南长沙",
            ChuShengDi="湖南宁乡",
            RuDangShiJian="199705",
            CanJiaGongZuoShiJian="199707",
            ZhuanYeJiShuZhiWu="高级经济师",
            ShuXiZhuanYeYouHeZhuanChang="熟悉经济管理和招商引资工作",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="经济学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="湘潭大学经济学院国际贸易专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="湘潭大学经济学院国际贸易专业",
            ZaiZhiJiaoYu_XueLi="省委党校研究生",
            ZaiZhiJiaoYu_XueWei="",
            ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="湖南省委党校政治经济学专业",
            XianRenZhiWu="测试县发展和改革局党组书记、局长",
            NiRenZhiWu="测试县人民政府副县长候选人",
            NiMianZhiWu="测试县发展和改革局党组书记、局长",
            JianLi=(
                "1993.09--1997.07  湘潭大学经济学院国际贸易专业学习\n"
                "1997.07--2003.02  测试县经济贸易局科员\n"
                "                  （其间：2000.03--2000.12  挂职任测试县甲镇党委委员）\n"
                "2003.02--2011.09  测试县经济贸易局副局长\n"
                "                  （其间：2006.09--2009.07  在湖南省委党校政治经济学专业"
                "在职研究生学习）\n"
                "2011.09--2018.03  测试县甲镇党委书记\n"
                "2018.03--         测试县发展和改革局党组书记、局长\n"
                "\n"
                "中共测试县第十三届委员会委员。"
            ),
            JiangChengQingKuang="2019年被评为全省优秀县级发展改革部门负责人。",
            NianDuKaoHeJieGuo="2022年度考核优秀；2023年度考核称职；2024年度考核优秀。",
            ShenFenZheng=idn("430124", "19751108", 13),
        ),
        [
            ("妻子", "刘芳", "197702", "中共党员", "测试县教育局干部"),
            ("儿子", "王一鸣", "200207", "共青团员", "中南大学学生"),
            ("父亲", "王德福", "194803", "群众", "已故"),
        ],
        b64(photo(2)),
    ).encode("utf-8")

    files["no_photo.lrmx"] = person(
        base(
            XingMing="陈静",
            XingBie="女",
            ChuShengNianYue="199001",
            MinZu="回族",
            JiGuan="宁夏银川",
            ChuShengDi="宁夏银川",
            RuDangShiJian="201106",
            CanJiaGongZuoShiJian="201207",
            QuanRiZhiJiaoYu_XueLi="研究生",
            QuanRiZhiJiaoYu_XueWei="法学硕士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="宁夏大学法学院法律专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="宁夏大学法学院法律专业",
            XianRenZhiWu="乙镇党委委员、纪委书记",
            JianLi=(
                "2008.09--2012.07  宁夏大学法学院法律专业学习\n"
                "2012.07--2015.07  宁夏大学法学院法律专业硕士研究生学习\n"
                "2015.07--2021.01  乙镇政府科员\n"
                "2021.01--         乙镇党委委员、纪委书记"
            ),
            ShenFenZheng=idn("640104", "19900119", 28),
        ),
        [("父亲", "陈永福", "196204", "群众", "宁夏银川市个体经营户")],
        "",
    ).encode("utf-8")

    files["photo_wrapped.lrmx"] = person(
        base(
            XingMing="刘洋",
            XingBie="男",
            ChuShengNianYue="198609",
            MinZu="汉族",
            JiGuan="山东临沂",
            ChuShengDi="山东临沂",
            RuDangShiJian="200812",
            CanJiaGongZuoShiJian="200907",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="工学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="山东大学土木工程学院土木工程专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="山东大学土木工程学院土木工程专业",
            XianRenZhiWu="测试县住房和城乡建设局副局长",
            JianLi=(
                "2005.09--2009.07  山东大学土木工程学院土木工程专业学习\n"
                "2009.07--2019.08  测试县住房和城乡建设局科员\n"
                "2019.08--         测试县住房和城乡建设局副局长"
            ),
            ShenFenZheng=idn("371302", "19860921", 35),
        ),
        [("妻子", "孔燕", "198801", "群众", "测试县实验小学教师")],
        b64(photo(3), wrap=76),
    ).encode("utf-8")

    files["minjian.lrmx"] = person(
        base(
            XingMing="赵敏",
            XingBie="女",
            ChuShengNianYue="197906",
            MinZu="满族",
            JiGuan="辽宁大连",
            ChuShengDi="辽宁大连",
            RuDangShiJian="民建",
            CanJiaGongZuoShiJian="200107",
            ZhuanYeJiShuZhiWu="会计师",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="管理学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="东北财经大学会计学院会计学专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="东北财经大学会计学院会计学专业",
            XianRenZhiWu="测试县财政局副局长",
            JianLi=(
                "1997.09--2001.07  东北财经大学会计学院会计学专业学习\n"
                "2001.07--2016.04  测试县财政局科员、副科长、科长\n"
                "2016.04--         测试县财政局副局长"
            ),
            ShenFenZheng=idn("210202", "19790615", 46),
        ),
        [("丈夫", "何军", "197708", "中共党员", "测试县公安局民警")],
        b64(photo(4)),
    ).encode("utf-8")

    files["cpc_minjian.lrmx"] = person(
        base(
            XingMing="孙强",
            XingBie="男",
            ChuShengNianYue="197703",
            MinZu="汉族",
            JiGuan="江苏南京",
            ChuShengDi="江苏南京",
            RuDangShiJian="200108；民建",
            CanJiaGongZuoShiJian="199907",
            QuanRiZhiJiaoYu_XueLi="大专",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="南京工业职业技术学院机械制造专业",
            ZaiZhiJiaoYu_XueLi="中央党校大学",
            ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="中央党校经济管理专业",
            XianRenZhiWu="测试县工业和信息化局副局长",
            JianLi=(
                "1996.09--1999.07  南京工业职业技术学院机械制造专业学习\n"
                "1999.07--2012.05  测试县机械厂技术员、车间主任\n"
                "2012.05--         测试县工业和信息化局副局长"
            ),
            ShenFenZheng=idn("320102", "19770302", 57),
        ),
        [],
        b64(photo(5)),
    ).encode("utf-8")

    files["full_dates.lrmx"] = person(
        base(
            XingMing="周涛",
            XingBie="男",
            ChuShengNianYue="198005",
            MinZu="汉族",
            JiGuan="四川成都",
            ChuShengDi="四川成都",
            RuDangShiJian="200205",
            CanJiaGongZuoShiJian="200207",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="农学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="四川农业大学农学院农学专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="四川农业大学农学院农学专业",
            XianRenZhiWu="测试县农业农村局局长",
            JianLi=(
                "1998.09--2002.07  四川农业大学农学院农学专业学习\n"
                "2002.07--2017.03  测试县农业局科员、副局长\n"
                "2017.03--         测试县农业农村局局长"
            ),
            JiSuanNianLingShiJian="20261115",
            TianBiaoShiJian="20261120",
            ShenFenZheng=idn("510104", "19800510", 71),
        ),
        [("妻子", "黄莉", "198203", "群众", "成都市某公司职员")],
        b64(photo(6)),
    ).encode("utf-8")

    files["uyghur.lrmx"] = person(
        base(
            XingMing="买买提·艾力",
            XingBie="男",
            ChuShengNianYue="198603",
            MinZu="维吾尔族",
            JiGuan="新疆喀什",
            ChuShengDi="新疆乌鲁木齐",
            RuDangShiJian="200906",
            CanJiaGongZuoShiJian="200907",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="文学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="新疆大学人文学院汉语言文学专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="新疆大学人文学院汉语言文学专业",
            XianRenZhiWu="甲镇党委委员、副镇长",
            JianLi=(
                "2005.09--2009.07  新疆大学人文学院汉语言文学专业学习\n"
                "2009.07--2018.12  甲镇政府科员\n"
                "2018.12--         甲镇党委委员、副镇长"
            ),
            ShenFenZheng=idn("650102", "19860314", 91),
        ),
        [
            ("妻子", "阿依古丽·买买提", "198805", "中共党员", "乌鲁木齐市天山区某小学教师"),
            ("父亲", "艾力·吐尔逊", "195907", "中共党员", "已去世"),
        ],
        b64(photo(7)),
    ).encode("utf-8")

    family10 = [
        ("妻子", "杨丽", "198311", "中共党员", "测试县妇幼保健院护士"),
        ("长子", "吴浩然", "200905", "共青团员", "测试县第一中学学生"),
        ("长女", "吴欣怡", "201302", "群众", "测试县实验小学学生"),
        ("父亲", "吴国栋", "195504", "中共党员", "测试县供销社退休职工"),
        ("母亲", "钱桂芳", "195708", "群众", "测试县甲镇农民"),
        ("岳父", "杨志刚", "195601", "中共党员", "已去世"),
        ("岳母", "冯秀珍", "195809", "群众", "测试县乙镇农民"),
        ("哥哥", "吴勇", "197910", "群众", "测试县某物流公司职工"),
        ("妹妹", "吴婷", "198607", "民盟", "测试县第二中学教师"),
        ("祖父", "吴长贵", "193002", "群众", "已故"),
    ]
    files["family10.lrmx"] = person(
        base(
            XingMing="吴磊",
            XingBie="男",
            ChuShengNianYue="198108",
            MinZu="壮族",
            JiGuan="广西南宁",
            ChuShengDi="广西南宁",
            RuDangShiJian="200405",
            CanJiaGongZuoShiJian="200407",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="理学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="广西大学数学与信息科学学院数学专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="广西大学数学与信息科学学院数学专业",
            XianRenZhiWu="测试县统计局局长",
            JianLi=(
                "2000.09--2004.07  广西大学数学与信息科学学院数学专业学习\n"
                "2004.07--2019.06  测试县统计局科员、副局长\n"
                "2019.06--         测试县统计局局长"
            ),
            ShenFenZheng=idn("450103", "19810818", 111),
        ),
        family10,
        b64(photo(8)),
    ).encode("utf-8")

    files["unknown_elements.lrmx"] = person(
        base(
            XingMing="郑华",
            XingBie="男",
            ChuShengNianYue="196603",
            MinZu="汉族",
            JiGuan="浙江杭州",
            ChuShengDi="浙江杭州",
            RuDangShiJian="198806",
            CanJiaGongZuoShiJian="198807",
            QuanRiZhiJiaoYu_XueLi="大学",
            QuanRiZhiJiaoYu_XueWei="工学学士",
            QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi="浙江大学机械系机械制造专业",
            QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi="浙江大学机械系机械制造专业",
            XianRenZhiWu="测试县人大常委会副主任",
            JianLi=(
                "1984.09--1988.07  浙江大学机械系机械制造专业学习\n"
                "1988.07--2016.09  测试县经济委员会科员、副主任、主任\n"
                "2016.09--         测试县人大常委会副主任"
            ),
            RenMianLiYou="任职年龄到限",
            ShenFenZheng=idn("330102", "19660320", 131),
        ),
        [("妻子", "方琳", "196708", "中共党员", "测试县人民医院退休职工")],
        b64(photo(9)),
        unknown={
            "CanJiaGongZuoShiJian": "<DaoLingNianYue>202612</DaoLingNianYue>",
            "ChengBaoDanWei": (
                "<GaiGeQianRenZhiNianLingJieXian>60</GaiGeQianRenZhiNianLingJieXian>"
            ),
        },
        family_extra={0: "<ShenFenZhengHao/>"},
    ).encode("utf-8")

    files["gbk.lrmx"] = person(
        base(
            XingMing="黄志明",
            XingBie="男",
            ChuShengNianYue="197212",
            MinZu="汉族",
            JiGuan="广东广州",
            ChuShengDi="广东广州",
            RuDangShiJian="199512",
            CanJiaGongZuoShiJian="199407",
            XianRenZhiWu="测试县政协副主席",
            JianLi="1994.07--         测试县政协副主席",
            ShenFenZheng=idn("440104", "19721205", 151),
        ),
        [],
        "",
        encoding="gb2312",
    ).encode("gb18030")

    text = sample.decode("utf-8")
    files["malformed.lrmx"] = sample[: len(sample) // 2]
    files["wrong_root.lrmx"] = (
        text.replace("<Person>", "<GanBu>").replace("</Person>", "</GanBu>").encode("utf-8")
    )
    files["bad_id.lrmx"] = text.replace("433101197803152136", "433101197803152137").encode("utf-8")
    files["billion_laughs.lrmx"] = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE Person [\n"
        '  <!ENTITY lol "lol">\n'
        + "".join(
            f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
            for i in range(1, 10)
        )
        + "]>\n"
        "<Person><XingMing>&lol9;</XingMing></Person>\n"
    ).encode("utf-8")
    files["xxe.lrmx"] = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<!DOCTYPE Person [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<Person><XingMing>&xxe;</XingMing></Person>\n"
    )

    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
