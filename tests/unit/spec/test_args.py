"""The shared argument parsers: values, bounds, spellings, and the error each raises."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import ImageColor

from enlarger.errors import InvalidParameter, clipped
from enlarger.spec import args
from enlarger.spec.model import Anchor, Color, Crop, Extent, FaceArea, Fit, Rect


def rejects(arg: args.Arg[Any], raw: str) -> InvalidParameter:
    """Parse ``raw`` as parameter ``p``, expect a 400 that names ``p`` and echoes ``raw``
    (a short prefix of it when it is long)."""
    with pytest.raises(InvalidParameter) as caught:
        arg.parse("p", raw)
    error = caught.value
    assert error.status == 400
    assert error.details["parameter"] == "p"
    assert error.details["given"] == clipped(raw)
    assert error.details["expected"] == arg.expected
    return error


@pytest.mark.parametrize(
    ("value", "text"),
    [(16.0, "16"), (0.5, "0.5"), (1e-05, "0.00001"), (1e16, "10000000000000000"), (-2.5, "-2.5")],
)
def test_format_number_is_plain_and_exact(value: float, text: str) -> None:
    assert args.format_number(value) == text
    assert float(text) == value


@pytest.mark.parametrize(
    ("bounds", "described"),
    [
        (args.Range(2, 8192), "2 to 8192"),
        (args.Range(0, 5, min_exclusive=True), "greater than 0 and at most 5"),
        (args.Range(1), "at least 1"),
        (args.Range(max=3), "at most 3"),
        (args.UNBOUNDED, "any value"),
    ],
)
def test_range_describes_itself(bounds: args.Range, described: str) -> None:
    assert bounds.describe() == described


def test_range_bounds() -> None:
    dpr = args.Range(0, 5, min_exclusive=True)
    assert 5 in dpr
    assert 0.0001 in dpr
    assert 0 not in dpr
    assert 5.0001 not in dpr
    assert -1 in args.UNBOUNDED


class TestInteger:
    arg = args.Integer(args.Range(2, 8192))

    @pytest.mark.parametrize(("raw", "value"), [("2", 2), ("8192", 8192), ("0300", 300)])
    def test_accepts(self, raw: str, value: int) -> None:
        assert self.arg.parse("p", raw) == value

    @pytest.mark.parametrize("raw", ["1", "8193", "", "2.0", "+5", "-5", " 5", "5e2", "x", "٣"])
    def test_rejects(self, raw: str) -> None:
        error = rejects(self.arg, raw)
        assert "an integer, 2 to 8192" in error.message

    def test_negative_only_when_the_range_allows_it(self) -> None:
        assert args.Integer().parse("p", "-7") == -7

    def test_too_many_digits_is_a_400_not_a_crash(self) -> None:
        rejects(args.Integer(), "9" * 5000)


class TestNumber:
    arg = args.Number(args.Range(1, 100))

    @pytest.mark.parametrize(
        ("raw", "value"), [("1", 1.0), ("100", 100.0), ("2.5", 2.5), ("07.50", 7.5)]
    )
    def test_accepts(self, raw: str, value: float) -> None:
        assert self.arg.parse("p", raw) == value

    def test_decimal_spellings(self) -> None:
        assert args.UNIT_SCALAR.parse("p", ".25") == 0.25
        assert args.UNIT_SCALAR.parse("p", "1.") == 1.0
        assert args.UNIT_SCALAR.parse("p", "0") == 0.0

    @pytest.mark.parametrize("raw", ["0.999", "100.001", "", ".", "1e1", "inf", "nan", "-1", "1,5"])
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)

    def test_huge_literals_are_not_infinite(self) -> None:
        rejects(args.Number(), "9" * 400)


class TestAngle:
    @pytest.mark.parametrize(
        ("raw", "degrees"),
        [("0", 0.0), ("90", 90.0), ("360", 0.0), ("-90", 270.0), ("725.5", 5.5), ("-0", 0.0)],
    )
    def test_normalises_into_one_turn(self, raw: str, degrees: float) -> None:
        value = args.Angle().parse("p", raw)
        assert value == degrees
        assert str(value) != "-0.0"

    def test_tiny_negative_does_not_round_to_a_full_turn(self) -> None:
        value = args.Angle().parse("p", "-0.00000000000000000001")
        assert 0.0 <= value < 360.0

    @pytest.mark.parametrize("raw", ["", "ninety", "90deg", "1e3"])
    def test_rejects(self, raw: str) -> None:
        rejects(args.Angle(), raw)


class TestLength:
    arg = args.Length(args.Range(2, 8192))

    @pytest.mark.parametrize(
        ("raw", "extent"),
        [
            ("2", Extent(2)),
            ("8192", Extent(8192)),
            ("1", Extent(1.0, relative=True)),  # below the pixel minimum: all of the source
            ("1.0", Extent(1.0, relative=True)),
            ("0.5", Extent(0.5, relative=True)),
            ("0.0001", Extent(0.0001, relative=True)),
        ],
    )
    def test_accepts(self, raw: str, extent: Extent) -> None:
        parsed = self.arg.parse("p", raw)
        assert parsed == extent
        assert parsed.relative == extent.relative

    @pytest.mark.parametrize("raw", ["0", "0.0", "8193", "1.5", "-0.5", "", "full"])
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)

    @pytest.mark.parametrize("extent", [Extent(300), Extent(1.0, True), Extent(1e-07, True)])
    def test_format_reads_back(self, extent: Extent) -> None:
        text = self.arg.format(extent)
        assert self.arg.parse("p", text) == extent
        assert self.arg.parse("p", text).relative == extent.relative


class TestBoolean:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [("true", True), ("1", True), ("True", True), ("false", False), ("0", False)],
    )
    def test_accepts(self, raw: str, value: bool) -> None:
        assert args.Boolean().parse("p", raw) is value

    @pytest.mark.parametrize("raw", ["", "yes", "2", "t"])
    def test_rejects(self, raw: str) -> None:
        rejects(args.Boolean(), raw)


class TestChoice:
    arg = args.Choice(Fit, frozenset({"facearea"}))

    def test_accepts_every_member(self) -> None:
        assert [self.arg.parse("p", fit.value) for fit in Fit] == list(Fit)

    @pytest.mark.parametrize("raw", ["", "CROP", "cover", "crop "])
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)

    def test_unsupported_values_say_so(self) -> None:
        error = rejects(self.arg, "facearea")
        assert "facearea: not supported" in error.details["expected"]

    def test_synonyms(self) -> None:
        arg = args.Choice(Fit, synonyms={"cover": Fit.CROP})
        assert arg.parse("p", "cover") is Fit.CROP
        assert arg.format(Fit.CROP) == "crop"


class TestChoiceList:
    arg = args.ChoiceList(args.Choice(Crop, frozenset({"smart"})))

    def test_accepts_a_set(self) -> None:
        assert self.arg.parse("p", "left,top,left") == {Crop.TOP, Crop.LEFT}

    def test_formats_in_enum_order(self) -> None:
        assert self.arg.format(frozenset({Crop.FOCALPOINT, Crop.LEFT, Crop.TOP})) == (
            "top,left,focalpoint"
        )

    @pytest.mark.parametrize("raw", ["", "top,", ",top", "top,,left", "top,smart", "middle"])
    def test_rejects(self, raw: str) -> None:
        error = rejects(self.arg, raw)
        assert error.details["expected"].startswith("a comma-separated list of top, bottom")


class TestFitArg:
    arg = args.FitArg()

    def test_a_plain_fit_has_no_face_area(self) -> None:
        assert [self.arg.parse("fit", fit.value) for fit in Fit] == [(fit, None) for fit in Fit]

    def test_facearea_falls_back_to_a_crop_or_the_fit_named(self) -> None:
        assert self.arg.parse("fit", "facearea") == (Fit.CROP, FaceArea())
        assert self.arg.parse("fit", "facearea,fill") == (Fit.FILL, FaceArea())

    @pytest.mark.parametrize("raw", ["facearea", "facearea,fill", "max"])
    def test_formats_what_it_reads(self, raw: str) -> None:
        assert self.arg.format(self.arg.parse("fit", raw)) == raw

    @pytest.mark.parametrize(
        "raw", ["", "facearea,", "facearea,facearea", "fill,facearea", "facearea,cover", "Crop"]
    )
    def test_rejects(self, raw: str) -> None:
        error = rejects(self.arg, raw)
        assert "facearea,<one of them>" in error.details["expected"]


class TestIntegerChoice:
    arg = args.IntegerChoice((444, 422, 420))

    def test_accepts(self) -> None:
        assert [self.arg.parse("p", v) for v in ("444", "422", "420")] == [444, 422, 420]

    @pytest.mark.parametrize("raw", ["", "411", "0444", "444.0", "-444"])
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)


class TestRatio:
    @pytest.mark.parametrize(
        ("raw", "ratio"), [("16:9", (16.0, 9.0)), ("0.85:1", (0.85, 1.0)), ("1:1", (1.0, 1.0))]
    )
    def test_accepts(self, raw: str, ratio: tuple[float, float]) -> None:
        assert args.Ratio().parse("p", raw) == ratio

    @pytest.mark.parametrize("raw", ["", "16", "1.5", "16:", ":9", "0:1", "1:0", "16:9:1", "-1:2"])
    def test_rejects(self, raw: str) -> None:
        rejects(args.Ratio(), raw)

    def test_formats_without_needless_decimals(self) -> None:
        assert args.Ratio().format((16.0, 9.0)) == "16:9"
        assert args.Ratio().format((0.85, 1.0)) == "0.85:1"


class TestColor:
    arg = args.ColorArg(unsupported=frozenset({"imgixblue"}))

    @pytest.mark.parametrize(
        ("raw", "color"),
        [
            ("fff", Color(255, 255, 255)),
            ("F00", Color(255, 0, 0)),
            ("8f00", Color(255, 0, 0, 0x88)),  # 4 digits: alpha first
            ("336699", Color(0x33, 0x66, 0x99)),
            ("80336699", Color(0x33, 0x66, 0x99, 0x80)),  # 8 digits: AARRGGBB
            ("00000000", Color(0, 0, 0, 0)),
            ("orange", Color(255, 165, 0)),
            ("RebeccaPurple", Color(0x66, 0x33, 0x99)),
        ],
    )
    def test_accepts(self, raw: str, color: Color) -> None:
        assert self.arg.parse("p", raw) == color

    @pytest.mark.parametrize("raw", ["", "ff", "fffff", "fffffff", "#fff", "ggg", "notacolor"])
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)

    def test_unsupported_keyword_says_so(self) -> None:
        error = rejects(self.arg, "imgixblue")
        assert "imgixblue: not supported" in error.details["expected"]

    @pytest.mark.parametrize("color", [Color(1, 2, 3), Color(1, 2, 3, 4), Color(0, 0, 0, 0)])
    def test_format_reads_back(self, color: Color) -> None:
        assert self.arg.parse("p", self.arg.format(color)) == color

    def test_keywords_have_the_css_values(self) -> None:
        assert len(args.COLOR_KEYWORDS) == 148
        for name, color in args.COLOR_KEYWORDS.items():
            assert ImageColor.getrgb(name) == (color.r, color.g, color.b), name
            assert color.opaque


class TestRect:
    arg = args.RectArg()

    @pytest.mark.parametrize(
        ("raw", "rect"),
        [
            ("0,0,1,1", Rect(Extent(0), Extent(0), Extent(1), Extent(1))),
            (
                "10,0.25,200,0.5",
                Rect(Extent(10), Extent(0.25, True), Extent(200), Extent(0.5, True)),
            ),
            (
                "center,bottom,full,full",
                Rect(Anchor.CENTER, Anchor.END, Extent(1.0, True), Extent(1.0, True)),
            ),
            ("left,top,1.0,2", Rect(Anchor.START, Anchor.START, Extent(1.0, True), Extent(2))),
            ("right,middle,5,5", Rect(Anchor.END, Anchor.CENTER, Extent(5), Extent(5))),
        ],
    )
    def test_accepts(self, raw: str, rect: Rect) -> None:
        assert self.arg.parse("p", raw) == rect

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            "0,0,1",
            "0,0,1,1,1",
            "top,0,1,1",  # top is a y keyword
            "0,left,1,1",
            "0,0,0,1",  # empty width
            "0,0,1,0.0",
            "-1,0,1,1",
            "1.5,0,1,1",  # fractions stop at 1
            "0,0,full,",
        ],
    )
    def test_rejects(self, raw: str) -> None:
        error = rejects(self.arg, raw)
        assert error.details["expected"].startswith("x,y,w,h")

    def test_format_reads_back(self) -> None:
        rect = Rect(Anchor.END, Extent(0.0, True), Extent(1.0, True), Extent(7))
        assert self.arg.format(rect) == "right,0.0,1.0,7"
        assert self.arg.parse("p", self.arg.format(rect)) == rect


class TestTimestamp:
    def test_bounds(self) -> None:
        assert args.TIMESTAMP.parse("p", "0") == 0
        assert args.TIMESTAMP.parse("p", "253402300799") == 253402300799
        rejects(args.TIMESTAMP, "253402300800")
        rejects(args.TIMESTAMP, "-1")
        rejects(args.TIMESTAMP, "1700000000.5")


class TestFilename:
    arg = args.Filename()

    @pytest.mark.parametrize("raw", ["", "medium.jpg", "my file+1.jpg", "フォト.webp", "a" * 255])
    def test_accepts(self, raw: str) -> None:
        assert self.arg.parse("p", raw) == raw

    @pytest.mark.parametrize(
        "raw", ["a" * 256, "a\r\nSet-Cookie: x", "tab\t.jpg", "../etc", "a\\b", "gpj.\u202eexe"]
    )
    def test_rejects(self, raw: str) -> None:
        rejects(self.arg, raw)


class TestBase64:
    @pytest.mark.parametrize(
        ("raw", "text"),
        [
            ("SGVsbG8sIFdvcmxkIQ", "Hello, World!"),  # imgix's own example, unpadded
            ("SGVsbG8sIFdvcmxkIQ==", "Hello, World!"),
            ("w6kgeA", "é x"),
            ("Pz8_", "???"),  # the URL-safe alphabet
            ("", ""),
        ],
    )
    def test_decodes(self, raw: str, text: str) -> None:
        assert args.decode_base64url("p64", raw) == text

    @pytest.mark.parametrize("raw", ["Pz8/", "a", "SGVsbG8 ", "_w", "=abc"])
    def test_rejects(self, raw: str) -> None:
        with pytest.raises(InvalidParameter) as caught:
            args.decode_base64url("p64", raw)
        assert caught.value.details["parameter"] == "p64"
        assert caught.value.details["expected"] == "base64url-encoded UTF-8 text"
