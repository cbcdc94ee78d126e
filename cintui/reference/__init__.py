"""Reference data loaded from `cintui.data`: where things live (config), policy profiles,
census code lists, the plain-language word list and the bank-holiday cache.

May import only `cintui.domain` (and the standard library and data parsers).
"""
