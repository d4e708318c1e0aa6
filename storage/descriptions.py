"""The archive's descriptions for analysts, in English and Vietnamese: what Datasette shows beside every table,
view and column (`edunews serve` and plain `datasette archive.sqlite`, through the plugin's metadata hook).

The English is written next to each table in storage/schema.py (DESCRIPTIONS); the Vietnamese is here, shown after
it. Vietnamese column labels are keyed by column name alone: a name means the same thing in every table (site,
url, title...), and a column whose meaning is its table's own has an English description that says so.
"""

from __future__ import annotations

from typing import Any

from storage.schema import DESCRIPTIONS

VI_TABLES: dict[str, str] = {
    "sites": "Mỗi dòng là một trang web được thu thập (Sở GDĐT, Phòng GDĐT, trường học, Bộ GDĐT).",
    "crawls": "Mỗi dòng là một lần chạy thu thập.",
    "articles": "Mỗi dòng là một bài viết (lưu một lần; bản trùng trỏ về bài gốc qua duplicate_of).",
    "images": "Ảnh trong bài viết, kèm chú thích, alt và nguồn ảnh.",
    "attachments": "Tệp đính kèm (PDF, DOC, XLS) của bài viết.",
    "article_urls": "Mọi địa chỉ URL mà bài viết đã được thấy.",
    "duplicate_groups": "Các nhóm bài trùng: bài gốc và các bản sao (trùng hẳn hoặc gần trùng).",
    "articles_with_captions": "Bài viết có ảnh kèm chú thích.",
    "articles_view": "Bài viết kèm tên trang web và cột năm/tháng để nhóm và lọc.",
    "captions": "Chú thích ảnh kèm bài viết của chúng.",
    "crawl_sites": "Số liệu theo từng trang web của mỗi lần thu thập.",
    "revisions": "Phiên bản cũ của bài viết có tiêu đề hoặc nội dung thay đổi khi thu thập lại.",
    "pages": "Trang HTML gốc (nén) của mỗi bài viết đã lưu, để trích xuất lại và xuất WARC.",
    "page_dictionaries": "Từ điển nén zstd của từng trang web, tạo từ chính các trang HTML gốc của nó.",
    "near_signatures": "Chỉ mục bài gần trùng: chữ ký MinHash của nội dung mỗi bài (bài đăng lại có sửa đổi).",
    "near_bands": "Tra cứu bài gần trùng: các dải (band) của chữ ký MinHash, mỗi dải một mã băm.",
    "http_validators": "ETag và Last-Modified của các trang đã tải, để lần sau chỉ hỏi trang có thay đổi không.",
    "url_memory": "Chế độ chung: mỗi địa chỉ của trang web chưa có hồ sơ đã là gì (bí danh, danh sách, trang không "
    "có bài, liên kết hỏng), để lần sau không tải lại.",
    "learned_sites": "Chế độ chung: mẫu giao diện học được từ chính các trang bài viết đã lưu của trang web.",
    "inbox_positions": "Thu thập chia cho nhiều máy: tin nhắn cuối cùng của hàng đợi Redis mà tiến trình ghi đã lưu.",
    "articles_fts": "Chỉ mục tìm kiếm toàn văn (có dấu và không dấu), cập nhật tự động bằng trigger.",
    "articles_fts_pending": "Bài đang chờ ghi vào chỉ mục tìm kiếm trong lúc lưu (ngoài lúc đó luôn trống).",
    "articles_fts_fold_1": "Bước trung gian khi bỏ dấu nội dung bài viết cho chỉ mục tìm kiếm.",
    "articles_fts_fold": "Nội dung bài viết đã bỏ dấu, dùng cho chỉ mục tìm kiếm.",
    "images_fts_fold_1": "Bước trung gian khi bỏ dấu chú thích ảnh cho chỉ mục tìm kiếm.",
    "images_fts_fold": "Chú thích ảnh đã bỏ dấu, dùng cho chỉ mục tìm kiếm.",
}
VI_COLUMNS: dict[str, str] = {
    "kind": "loại địa chỉ",
    "stream": "hàng đợi Redis",
    "last_id": "mã tin nhắn cuối cùng đã lưu",
    "target": "địa chỉ chuyển tới",
    "learned_at": "học lúc",
    "profile": "quy tắc học được (JSON)",
    "agreement": "mức khớp với trích xuất chung (JSON)",
    "site": "mã trang web",
    "site_title": "tên trang web",
    "title": "tiêu đề",
    "summary": "tóm tắt (sapo)",
    "published_at": "ngày đăng",
    "published_raw": "ngày đăng như trên trang",
    "updated_at": "ngày cập nhật",
    "author": "tác giả",
    "source": "nguồn",
    "category": "chuyên mục",
    "body_text": "nội dung",
    "body_html": "nội dung HTML",
    "url": "địa chỉ",
    "year": "năm",
    "month": "tháng",
    "caption": "chú thích ảnh",
    "credit": "nguồn ảnh",
    "province": "tỉnh/thành phố",
    "view_count": "lượt xem",
    "word_count": "số từ",
    "duplicate_of": "bài gốc (nếu là bản trùng)",
    "status": "trạng thái",
    "errors": "số lỗi",
    "id": "mã số",
    "name": "mã trang web",
    "base_url": "địa chỉ gốc",
    "cms": "loại hệ thống (CMS)",
    "spider": "trình thu thập",
    "started_at": "bắt đầu lúc",
    "finished_at": "kết thúc lúc",
    "pages": "số trang đã tải",
    "articles_new": "số bài mới",
    "articles_updated": "số bài cập nhật",
    "duplicates": "số bài trùng",
    "content_hash": "mã băm nội dung",
    "first_seen_at": "lần đầu thấy lúc",
    "last_seen_at": "lần cuối thấy lúc",
    "published_source": "ngày đăng lấy từ đâu",
    "identity": "mã định danh bài viết",
    "fetched_at": "tải về lúc",
    "crawl_id": "mã lần thu thập",
    "article_id": "mã bài viết",
    "position": "thứ tự",
    "src": "địa chỉ ảnh",
    "alt": "văn bản thay thế",
    "captions": "các chú thích ảnh",
    "folded": "văn bản bỏ dấu (để tìm kiếm)",
    "original_id": "mã bài gốc",
    "original_site": "trang web của bài gốc",
    "original_title": "tiêu đề bài gốc",
    "original_published_at": "ngày đăng bài gốc",
    "copy_id": "mã bản sao",
    "copy_site": "trang web của bản sao",
    "copy_url": "địa chỉ bản sao",
    "copy_published_at": "ngày đăng bản sao",
    "duplicate_kind": "kiểu trùng: 'exact' (trùng hẳn) hoặc 'near' (gần trùng, có sửa đổi)",
    "signature": "chữ ký MinHash của nội dung",
    "band": "số thứ tự dải",
    "bucket": "mã băm của dải",
    "images": "số ảnh",
    "new": "số bài mới",
    "updated": "số bài cập nhật",
    "missing_title": "số bài thiếu tiêu đề",
    "missing_date": "số bài thiếu ngày",
    "missing_body": "số bài thiếu nội dung",
    "alarm": "cảnh báo (trang đổi mẫu giao diện)",
    "image_id": "mã ảnh",
    "article_title": "tiêu đề bài viết",
    "article_url": "địa chỉ bài viết",
    "title_f": "tiêu đề bỏ dấu",
    "summary_f": "tóm tắt bỏ dấu",
    "body_text_f": "nội dung bỏ dấu",
    "caption_f": "chú thích bỏ dấu",
    # The pages table (raw article pages).
    "headers": "tiêu đề HTTP",
    "body": "nội dung trang (nén zstd theo từ điển của trang web; zlib khi chưa có)",
    "family": "họ giao diện (CMS) dùng để trích xuất",
    "urls": "các địa chỉ đã dẫn tới trang",
    "etag": "ETag của lần tải đầy đủ gần nhất",
    "last_modified": "Last-Modified của lần tải đầy đủ gần nhất",
    "checked_at": "thời điểm ghi nhận",
    "listing_date": "ngày ghi ở trang danh sách",
    "encoding": "bảng mã ký tự",
    "dictionary_id": "từ điển nén của trang",
    "dictionary": "từ điển (nén zlib)",
    "trained_at": "thời điểm tạo",
    "level": "mức nén zstd",
}


def both(english: str, vietnamese: str | None) -> str:
    return f"{english} — {vietnamese}" if vietnamese else english


def bilingual() -> dict[str, dict[str, Any]]:
    """table or view -> {"description": ..., "columns": {column: ...}}, English then Vietnamese."""
    return {
        table: {
            "description": both(info["description"], VI_TABLES.get(table)),
            "columns": {column: both(text, VI_COLUMNS.get(column)) for column, text in info["columns"].items()},
        }
        for table, info in DESCRIPTIONS.items()
    }
