"""Vietnamese words, names and sentence templates for bench/_randsite.py's generated sites.

Pools of place, school and person names and a few dozen sentence templates with slots, so every generated article
reads like a school or department news item and no two bodies share many three-word runs (the archive's
near-duplicate index would otherwise group them). Author names and the names inside bodies come from separate
pools, so an author's name in a body is always a leaked byline.
"""

from __future__ import annotations

import random

PROVINCES = (
    "Gia Lai", "Kon Tum", "Đắk Lắk", "Quảng Trị", "Bình Định", "Phú Yên", "Lào Cai", "Hà Giang", "Nghệ An",
    "Thanh Hóa", "Cà Mau", "Bến Tre", "Vĩnh Long", "Bắc Ninh", "Thái Nguyên", "Lâm Đồng", "Quảng Ngãi",
    "Tuyên Quang", "Sơn La", "Hậu Giang", "Đồng Tháp", "Khánh Hòa",
)
DISTRICTS = (
    "Chư Sê", "Đak Pơ", "Krông Pa", "Ia Grai", "Mang Yang", "Lộc Ninh", "Đồng Phú", "Phù Mỹ", "Tuy An", "Bát Xát",
    "Mèo Vạc", "Quỳnh Lưu", "Hậu Lộc", "Năm Căn", "Mỏ Cày Nam", "Tam Bình", "Quế Võ", "Đại Từ", "Bảo Lâm", "Ba Tơ",
    "Hướng Hóa", "Sa Thầy", "Cư M'gar", "Ea Kar",
)
SCHOOL_NAMES = (
    "Lê Lợi", "Nguyễn Du", "Trần Phú", "Hoàng Diệu", "Nguyễn Trãi", "Lý Tự Trọng", "Phan Bội Châu", "Chu Văn An",
    "Võ Thị Sáu", "Kim Đồng", "Quang Trung", "Lê Quý Đôn", "Nguyễn Huệ", "Trần Quốc Toản", "Hùng Vương",
    "Nguyễn Văn Cừ", "Lương Thế Vinh", "Tô Hiệu", "Ngô Quyền", "Đinh Tiên Hoàng", "Phạm Hồng Thái", "Bế Văn Đàn",
    "Nguyễn Bỉnh Khiêm", "Trưng Vương", "Hai Bà Trưng", "Lê Hồng Phong",
)
SCHOOL_KINDS = ("Trường Tiểu học", "Trường THCS", "Trường THPT", "Trường Mầm non", "Trường TH&THCS",
                "Trường PTDTBT THCS", "Trường TH và THCS")
AUTHORS = (
    "Nguyễn Thị Hoa", "Trần Minh Tuấn", "Lê Thị Thu Hằng", "Phạm Văn Dũng", "Hoàng Lan", "Minh Châu", "Thanh Nhàn",
    "Vũ Thị Ngọc Ánh", "Đặng Quốc Việt", "Bùi Thị Mai", "Ngọc Trâm", "Hà Phương", "Đỗ Văn Hải", "Kim Oanh",
    "Lưu Thị Bích", "Phan Thanh Sơn", "Trịnh Thu Trang", "Hồ Sỹ Long", "Y Blơi Niê", "Rơ Châm H'Linh",
    "Quỳnh Như", "Cao Xuân Thắng", "Lã Thị Hiền", "Mai Anh", "Tạ Quang Huy",
)
ACCOUNTS = ("admin", "quantri", "webmaster", "Quản trị viên", "bientap", "Ban biên tập")
OFFICIALS = (
    "ông Nguyễn Văn Thành", "bà Lê Thị Kim Dung", "ông Trương Công Bằng", "bà Phạm Thị Xuân", "thầy Đinh Văn Lực",
    "cô Huỳnh Thị Mỹ", "ông Rơ Mah Tuấn", "bà Nông Thị Thương", "thầy Lò Văn Pâng", "cô Sầm Thị Duyên",
    "ông Kiều Đức Nghĩa", "bà Âu Thị Nguyệt", "thầy Khổng Minh Quân", "cô Ksor H'Bia", "ông Từ Ngọc Ẩn",
)
ROLES = ("Giám đốc Sở GDĐT", "Phó Giám đốc Sở GDĐT", "Trưởng phòng GDĐT", "Phó Trưởng phòng GDĐT",
         "Hiệu trưởng nhà trường", "Phó Hiệu trưởng", "Phó Chủ tịch UBND huyện", "Chủ tịch Công đoàn ngành",
         "Tổ trưởng chuyên môn", "Bí thư Đoàn trường")
OUTLETS = ("Báo Giáo dục và Thời đại", "Báo Gia Lai", "Cổng thông tin điện tử tỉnh", "Bộ Giáo dục và Đào tạo",
           "Báo Tuổi Trẻ", "Báo Dân trí", "Đài Phát thanh - Truyền hình tỉnh", "Báo Lao Động", "moet.gov.vn")
SUBJECTS = ("Toán", "Ngữ văn", "Tiếng Anh", "Vật lý", "Hóa học", "Sinh học", "Lịch sử", "Địa lý", "Tin học",
            "Giáo dục công dân", "Công nghệ", "Khoa học tự nhiên")
EVENTS = (
    "Hội khỏe Phù Đổng", "ngày hội đọc sách", "hội thi giáo viên dạy giỏi", "lễ tri ân và trưởng thành",
    "hội trại truyền thống", "ngày hội STEM", "chuyên đề đổi mới phương pháp dạy học",
    "hội thi Tiếng Việt của chúng em", "giải bóng đá học sinh", "lễ kết nạp đội viên",
    "hội thi vẽ tranh an toàn giao thông", "ngày hội văn hóa dân gian",
    "diễn tập phòng cháy chữa cháy", "hội thi kể chuyện theo sách", "lễ phát động tháng hành động vì trẻ em",
)
TRAININGS = ("chương trình giáo dục phổ thông 2018", "chuyển đổi số trong dạy học", "sử dụng sách giáo khoa lớp {g}",
             "kỹ năng tư vấn tâm lý học đường", "xây dựng kế hoạch bài dạy", "ứng dụng học liệu số",
             "kiểm tra đánh giá theo định hướng phát triển năng lực", "công tác thư viện trường học")
CAMPAIGNS = ("Tháng hành động vì an toàn giao thông", "Ngày Sách và Văn hóa đọc Việt Nam",
             "phong trào “Xây dựng trường học xanh - sạch - đẹp - an toàn”", "Tuần lễ học tập suốt đời",
             "cuộc vận động “Mỗi thầy cô giáo là một tấm gương đạo đức”", "Ngày Quốc tế Phụ nữ 8/3",
             "Ngày Nhà giáo Việt Nam 20/11", "Tháng thanh niên")
NOTICES = ("tuyển sinh vào lớp {g} năm học {sy}", "lịch nghỉ Tết Nguyên đán năm {y}",
           "tổ chức kỳ kiểm tra cuối học kỳ {k}", "thu nhận hồ sơ xét đặc cách tốt nghiệp",
           "kế hoạch bồi dưỡng thường xuyên năm học {sy}", "điều chỉnh thời khóa biểu từ tuần {w}",
           "công khai chất lượng giáo dục năm học {sy}", "tuyển dụng viên chức năm {y}")
PRIZES = ("Nhất", "Nhì", "Ba", "Khuyến khích", "Vàng", "Bạc", "Đồng")
CONTESTS = ("Olympic Tiếng Anh trên Internet", "Violympic Toán", "khoa học kỹ thuật cấp tỉnh",
            "viết thư quốc tế UPU", "Trạng nguyên Tiếng Việt", "sáng tạo thanh thiếu niên nhi đồng",
            "giải toán trên máy tính cầm tay", "học sinh giỏi cấp tỉnh")
TASKS = ("bán trú", "phổ cập giáo dục", "kiểm định chất lượng", "y tế trường học", "an toàn thực phẩm",
         "quản lý tài chính", "thư viện", "chuyển đổi số", "tuyển sinh đầu cấp", "dạy thêm học thêm")
LEVELS = ("mầm non", "tiểu học", "THCS", "THPT", "phổ thông dân tộc bán trú")
PLACES = ("hội trường nhà trường", "hội trường UBND huyện", "Nhà Văn hóa thiếu nhi", "sân trường",
          "phòng họp trực tuyến", "Trung tâm Hội nghị tỉnh", "nhà đa năng của trường")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
PARTS_OF_DAY = ("Sáng", "Chiều", "Tối", "Sáng ngày", "Chiều ngày", "Ngày")

_TITLES = (
    "{school} tổ chức {event} năm học {sy}",
    "Hội nghị tổng kết công tác {task} năm học {sy}",
    "Tập huấn {training} cho giáo viên {level} năm {y}",
    "Kết quả kỳ thi chọn học sinh giỏi môn {subject} cấp {scope} năm học {sy}",
    "Khai giảng năm học mới {sy} tại {school}",
    "{n} học sinh {school} đạt giải {prize} cuộc thi {contest}",
    "Kiểm tra công tác {task} tại các trường {level} huyện {district}",
    "{school} hưởng ứng {campaign}",
    "Trao {n2} suất học bổng cho học sinh có hoàn cảnh khó khăn huyện {district}",
    "Sơ kết học kỳ I năm học {sy}: {school} hoàn thành {n} chỉ tiêu",
    "Thông báo về việc {notice}",
    "Chuyên đề “{training}” cấp huyện tại {school}",
    "{district}: {n2} giáo viên tham gia {event}",
    "Đoàn công tác của Sở GDĐT làm việc với {school} về công tác {task}",
    "Sôi nổi {event} tại {school}",
    "Tuyên dương {n2} học sinh đạt thành tích cao trong kỳ thi {contest} năm {y}",
)

_SENTENCES = (
    "{part} {d}/{m}, {school} đã tổ chức {event} với sự tham gia của {n3} học sinh và {n} giáo viên.",
    "Tham dự có {official}, {role}; đại diện Ban đại diện cha mẹ học sinh và các đoàn thể địa phương.",
    "Phát biểu tại buổi lễ, {official} đánh giá cao sự chủ động của tập thể sư phạm trong năm học {sy}.",
    "Năm học vừa qua, nhà trường có {n} lớp với {n3} học sinh, tỷ lệ chuyên cần đạt {pct}%.",
    "Theo kế hoạch số {n3}/KH-SGDĐT, hoạt động được triển khai từ ngày {d}/{m} đến hết ngày {d2}/{m2}/{y}.",
    "Các đội thi đã mang đến những tiết mục đặc sắc, thể hiện tinh thần đoàn kết và sáng tạo của học sinh {level}.",
    "Kết thúc hội thi, ban tổ chức trao {n} giải Nhất, {n} giải Nhì và {n2} giải Ba cho các tập thể, cá nhân.",
    "Đoàn kiểm tra đã làm việc trực tiếp tại {n} điểm trường, kiểm tra hồ sơ sổ sách và cơ sở vật chất.",
    "{official} đề nghị các đơn vị tiếp tục rà soát, bổ sung thiết bị dạy học tối thiểu cho khối lớp {g}.",
    "Buổi tập huấn giúp giáo viên nắm vững yêu cầu cần đạt của môn {subject} theo chương trình mới.",
    "Học viên được thực hành thiết kế kế hoạch bài dạy, thảo luận nhóm và chia sẻ kinh nghiệm tại {place}.",
    "Tổng kinh phí thực hiện gần {n3} triệu đồng, do các nhà hảo tâm và Hội Khuyến học huyện {district} hỗ trợ.",
    "Ngoài ra, nhà trường phối hợp với Trạm Y tế xã tổ chức khám sức khỏe định kỳ cho {n3} em học sinh.",
    "Đến nay, {pct}% phòng học của huyện {district} đã được kiên cố hóa, {n} trường đạt chuẩn quốc gia.",
    "Qua {n} ngày thi đấu, các vận động viên nhỏ tuổi đã tranh tài ở {n2} nội dung như điền kinh, cờ vua, bơi lội.",
    "Theo {official}, kết quả này là minh chứng cho sự nỗ lực không ngừng của thầy và trò trong suốt học kỳ {k}.",
    "Dịp này, {n2} tập thể và {n3} cá nhân được UBND huyện {district} tặng giấy khen vì thành tích xuất sắc.",
    "Em {student}, học sinh lớp {g}A{c}, chia sẻ niềm vui khi lần đầu được tham gia {event}.",
    "Thực hiện Công văn số {n3}/SGDĐT-GDTrH ngày {d}/{m}/{y}, các trường đã xây dựng kế hoạch chi tiết.",
    "Hội nghị cũng thống nhất {n} nhóm giải pháp trọng tâm cho học kỳ {k}, trong đó chú trọng {task}.",
    "Các tiết dạy minh họa môn {subject} được đánh giá cao nhờ vận dụng linh hoạt học liệu số.",
    "Nhân dịp này, Công đoàn trường trao {n2} suất quà, mỗi suất trị giá {n3}.000 đồng, cho học sinh nghèo.",
    "Buổi lễ khép lại trong không khí vui tươi; các em học sinh cùng thầy cô chụp ảnh lưu niệm tại {place}.",
    "Phụ huynh em {student} cho biết gia đình rất yên tâm khi con được học bán trú tại trường.",
    "Trong học kỳ {k}, toàn trường có {n3} lượt học sinh tham gia câu lạc bộ {subject} và câu lạc bộ kỹ năng sống.",
    "Đề thi gồm {n} câu hỏi trắc nghiệm và {n2} câu tự luận, thời gian làm bài {n3} phút.",
    "Nhà trường đã đề xuất cấp trên đầu tư thêm {n} phòng học bộ môn và {n2} phòng tin học trong năm {y}.",
    "Lớp {g}A{c} dẫn đầu phong trào với {n2} tiết học tốt và {pct}% học sinh xếp loại rèn luyện tốt.",
    "Ban tổ chức cho biết sẽ nhân rộng mô hình này ra {n2} trường trên địa bàn huyện {district} trong năm {y}.",
    "Tại {place}, các đại biểu đã tham quan {n2} gian trưng bày sản phẩm học tập của học sinh.",
)
STUDENTS = ("Nguyễn Gia Bảo", "Lê Khánh Linh", "Trần Bảo Ngọc", "Siu Thuận", "Phạm Minh Khôi", "Đinh Thị Hlen",
             "Vương Tuệ An", "Hồ Đức Phúc", "Lò Thị Sinh", "Kpă Nhi")
_SUBHEADS = ("Nhiều kết quả nổi bật", "Đổi mới phương pháp dạy học", "Nhiệm vụ trọng tâm thời gian tới",
             "Lan tỏa tinh thần đọc sách", "Chăm lo học sinh vùng khó", "Những con số ấn tượng")
# Words swapped into a sentence so that bodies drawn from the same templates still differ.
_FILLERS = ("tích cực", "nghiêm túc", "hiệu quả", "thiết thực", "sôi nổi", "chu đáo", "kịp thời", "đầy đủ",
            "toàn diện", "bền vững", "linh hoạt", "chủ động")


def school_year(year: int, month: int) -> str:
    start = year if month >= 8 else year - 1
    return f"{start}-{start + 1}"


def fill(rng: random.Random, template: str, year: int, month: int) -> str:
    """A template with its slots drawn; year and month anchor the school year and dates."""
    y = year
    values = {
        "school": f"{rng.choice(SCHOOL_KINDS)} {rng.choice(SCHOOL_NAMES)}",
        "district": rng.choice(DISTRICTS), "event": rng.choice(EVENTS), "task": rng.choice(TASKS),
        "level": rng.choice(LEVELS), "subject": rng.choice(SUBJECTS), "contest": rng.choice(CONTESTS),
        "prize": rng.choice(PRIZES), "campaign": rng.choice(CAMPAIGNS), "official": rng.choice(OFFICIALS),
        "role": rng.choice(ROLES), "place": rng.choice(PLACES), "student": rng.choice(STUDENTS),
        "scope": rng.choice(("huyện", "tỉnh", "trường", "thị xã")), "sy": school_year(year, month), "y": y,
        "n": rng.randint(2, 19), "n2": rng.randint(11, 60), "n3": rng.randint(61, 980), "pct": rng.randint(62, 99),
        "g": rng.randint(1, 12), "c": rng.randint(1, 6), "k": rng.choice(("I", "II")), "w": rng.randint(2, 30),
        "d": rng.randint(1, 28), "m": month, "d2": rng.randint(1, 28), "m2": rng.randint(1, 12),
        "part": rng.choice(PARTS_OF_DAY),
    }
    values["training"] = rng.choice(TRAININGS).format(g=values["g"])
    values["notice"] = rng.choice(NOTICES).format(g=values["g"], sy=values["sy"], y=y, k=values["k"], w=values["w"])
    text = template.format(**values)
    return text[0].upper() + text[1:]


def title(rng: random.Random, year: int, month: int) -> str:
    return fill(rng, rng.choice(_TITLES), year, month)


def sentence(rng: random.Random, year: int, month: int) -> str:
    text = fill(rng, rng.choice(_SENTENCES[1:]), year, month)
    if rng.random() < 0.5:  # one more varied word keeps three-word runs apart between articles
        words = text.split()
        words.insert(rng.randint(1, len(words) - 1), rng.choice(_FILLERS))
        text = " ".join(words)
    return text


def opening(rng: random.Random, year: int, month: int, day: int) -> str:
    """A first sentence with a year-less dateline matching the article's day, as real reports open."""
    text = fill(rng, _SENTENCES[0], year, month)
    head, _, rest = text.partition(",")
    return f"{rng.choice(PARTS_OF_DAY)} {day}/{month},{rest}"


def subhead(rng: random.Random) -> str:
    return rng.choice(_SUBHEADS)


def caption(rng: random.Random, year: int, month: int) -> str:
    forms = (
        "{official} phát biểu tại buổi lễ",
        "Học sinh {school} tham gia {event}",
        "Quang cảnh hội nghị tại {place}",
        "Đại biểu trao giấy khen cho các tập thể có thành tích xuất sắc năm học {sy}",
        "Giáo viên thực hành xây dựng kế hoạch bài dạy môn {subject}",
        "Các em học sinh lớp {g}A{c} trong giờ học {subject}",
        "Đoàn công tác kiểm tra công tác {task} tại {school}",
        "Tiết mục văn nghệ chào mừng của học sinh {school}",
    )
    return fill(rng, rng.choice(forms), year, month)
