"""Pure extraction functions: HTML or text in, values out. No Scrapy, no database."""
