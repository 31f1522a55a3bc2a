"""Demo notifications (registered into ``portal.ops.demo.SEEDERS``): every demo account finds a
welcome message in its inbox (/thong-bao/) and a copy by e-mail (in embedded mode: the files in
``var/mail/``); dossier messages then arrive as the demo dossiers move."""

from __future__ import annotations

from portal.accounts.models import User
from portal.ops.demo import ACCOUNTS

from .services import notify

WELCOME_SUBJECT = "Chào mừng bạn đến với Cổng dịch vụ công"
WELCOME_BODY = (
    "Đây là hộp thư thông báo của bạn. Mỗi khi hồ sơ của bạn thay đổi trạng thái (đã nộp, được "
    "tiếp nhận, cần bổ sung, có kết quả …), cổng gửi thông báo tại đây, qua thư điện tử và tin "
    "nhắn SMS theo thông tin liên hệ bạn đã đăng ký. Cán bộ nhận tại đây cảnh báo hồ sơ sắp đến "
    "hạn hoặc quá hạn.\n\nTra cứu hồ sơ qua SMS: soạn HS <mã hồ sơ> gửi tổng đài của tỉnh."
)


def seed_notifications() -> None:
    """Idempotent: the welcome message is keyed per account."""
    for user in User.objects.filter(username__in=[a.username for a in ACCOUNTS]):
        notify(kind="welcome", subject=WELCOME_SUBJECT, body=WELCOME_BODY, user=user,
               link="/thong-bao/", dedupe_key=f"demo_welcome:{user.pk}")
