

def test_an_export_never_overwrites_a_document_already_written(tmp_path):
    """unused_stem numbers the export (-2, -3) while any of its files (or its folder) exists."""
    from cintui.reference.config import unused_stem

    assert unused_stem(tmp_path, "CIN1-plan-v2") == "CIN1-plan-v2"
    (tmp_path / "CIN1-plan-v2.docx").write_bytes(b"")
    assert unused_stem(tmp_path, "CIN1-plan-v2") == "CIN1-plan-v2-2"
    (tmp_path / "CIN1-plan-v2-2.pdf").write_bytes(b"")
    assert unused_stem(tmp_path, "CIN1-plan-v2") == "CIN1-plan-v2-3"
    (tmp_path / "pack").mkdir()
    assert unused_stem(tmp_path, "pack", ()) == "pack-2"
