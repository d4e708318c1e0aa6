"""Characters that mean something other than what they look like, for every text clean-up (crawler/text.py, and the
date reader's crawler/dates/text.py, which must stay light to import)."""

# In the text and not on the screen: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Spaces other than ' ' and tab: no-break, Ogham, the typographic spaces of U+2000-200A, narrow no-break,
# medium mathematical, ideographic.
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
