"""Demo feedback (registered into ``portal.ops.demo.SEEDERS``): a few items in each state at the
demo "Sở Tư pháp", gone through the real services so that every one has its history, and the
766 index computed for the last month. Idempotent: items are recognised by their demo id."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from portal.accounts.models import User
from portal.agencies.models import Agency

from . import services
from .models import Category, Channel, Feedback

#: (demo id, days ago received, title, content, how far it goes)
ITEMS: list[tuple[str, int, str, str, str]] = [
    ("demo-1", 1, "Không tra cứu được hồ sơ", "Tôi nhập mã hồ sơ nhưng hệ thống báo không "
     "tìm thấy.", "received"),
    ("demo-2", 2, "Hướng dẫn thủ tục chứng thực chưa rõ", "Trang thủ tục chứng thực bản sao "
     "không ghi rõ lệ phí.", "classified"),
    ("demo-3", 30, "Chậm trả kết quả cấp phiếu lý lịch tư pháp", "Hồ sơ của tôi đã quá hạn "
     "hai tuần mà chưa có kết quả.", "assigned"),
    ("demo-4", 5, "Cán bộ một cửa yêu cầu thêm giấy tờ ngoài quy định", "Cán bộ yêu cầu nộp "
     "thêm bản sao sổ hộ khẩu.", "coordinating"),
    ("demo-5", 8, "Thời gian giải quyết đăng ký khai sinh", "Đăng ký khai sinh mất bao lâu?",
     "answered"),
    ("demo-6", 20, "Lệ phí cấp bản sao trích lục hộ tịch", "Lệ phí cấp bản sao trích lục hộ "
     "tịch là bao nhiêu?", "published"),
    ("demo-7", 25, "Nộp hồ sơ trực tuyến không tải được tệp", "Tệp PDF 3 MB không tải lên "
     "được.", "published"),
    ("demo-8", 12, "Hỏi về hồ sơ cá nhân", "Xin cho biết hồ sơ của tôi đang ở bước nào.",
     "closed"),
    ("demo-9", 3, "Góp ý về giá điện", "Giá điện tháng này tăng cao.", "rejected"),
]
ANSWERS = {
    "demo-5": "Đăng ký khai sinh được giải quyết ngay trong ngày tiếp nhận hồ sơ hợp lệ.",
    "demo-6": "Lệ phí cấp bản sao trích lục hộ tịch là 8.000 đồng/bản theo Thông tư "
              "281/2016/TT-BTC.",
    "demo-7": "Hệ thống nhận tệp đến 10 MB; lỗi do đường truyền đã được khắc phục.",
    "demo-8": "Hồ sơ của ông đã được trả kết quả; xin liên hệ bộ phận một cửa để nhận bản giấy.",
}
ORDER = ["received", "classified", "assigned", "coordinating", "answered", "published"]


def _user(username: str) -> Any:
    return User.objects.filter(username=username).first()


def seed_feedback() -> None:
    justice = Agency.objects.filter(code="000.00.13.H56").first()
    health = Agency.objects.filter(code="000.00.19.H56").first()
    clerk, operator = _user("motcua.tuphap"), _user("vanhanh")
    leader = _user("lanhdao.tuphap")
    if justice is None or health is None or None in (clerk, operator, leader):
        return
    now = timezone.now()
    with services.silenced():
        for demo_id, days, title, content, goal in ITEMS:
            if Feedback.objects.filter(external_id=demo_id).exists():
                continue
            item = services.enter_by_staff(
                by=clerk, agency=justice, channel=Channel.HOTLINE,
                received_at=now - timedelta(days=days), title=title, content=content,
                sender_name="Người dân (dữ liệu mẫu)", sender_phone="0900000000")
            Feedback.objects.filter(pk=item.pk).update(external_id=demo_id)
            if goal == "rejected":
                services.reject(item, by=operator, reason="Không thuộc phạm vi thủ tục hành "
                                                          "chính.")
                continue
            reach = ORDER.index(goal) if goal in ORDER else ORDER.index("answered")
            if reach >= 1:
                services.classify(item, by=operator, category=Category.PROCEDURE)
            if reach >= 2:
                services.assign(item, by=operator, agency=justice)
            if reach == 3:
                services.coordinate(item, by=clerk, agencies=[health],
                                    note="Đề nghị Sở Y tế cho ý kiến.")
            if reach >= 4:
                services.answer(item, by=clerk, text=ANSWERS.get(demo_id, "Đã trả lời."))
            if goal == "published":
                services.publish(item, by=leader)
            elif goal == "closed":
                services.close(item, by=leader)
    from reports.index766 import compute_period, last_periods

    kind, start = last_periods(timezone.localdate())[0]
    compute_period(kind, start)
