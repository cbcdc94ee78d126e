"""Reference data shipped in the wheel (installed as `cintui.data`): policy profiles, census
code lists and schemas, the plain-language word list, letter templates, fonts. Read with
`cintui.reference.shipped.shipped(...)`; no code here."""
