"""Accent folding used by catalogue search."""

from hypothesis import given
from hypothesis import strategies as st

from portal.text import fold


def test_vietnamese_is_folded():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("  Cấp   giấy phép XÂY DỰNG ") == "cap giay phep xay dung"
    assert fold("Chứng thực bản sao từ bản chính") == "chung thuc ban sao tu ban chinh"


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
