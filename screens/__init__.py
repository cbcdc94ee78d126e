"""Textual screens (installed as `cintui.screens`), one module per screen; `widgets/` holds
the widgets several screens share. Screens call `cintui.casework` and may import anything
below them; nothing in `cintui` imports a screen except by name when it is first shown.
"""
