"""Writers for documents and returns: DOCX, PDF, Markdown, JSON, CSV and the census XML.

They take plain documents built by `cintui.casework` and write private files. May import
`cintui.reference` and `cintui.domain`; never the store or the use cases.
"""
