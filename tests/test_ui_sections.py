"""Which section a page run draws, read before the tabs are (ui.sections.open_section, for prefetch)."""

from mentordash.ui.sections import open_section

LABELS = ("First", "Second", "Third")


def test_the_first_tab_before_any_choice():
    assert open_section({}, "tabs", LABELS) == ("First",)
    assert open_section({"tabs": None}, "tabs", LABELS) == ("First",)


def test_the_chosen_tab():
    assert open_section({"tabs": "Third"}, "tabs", LABELS) == ("Third",)


def test_no_tab_for_a_label_the_page_no_longer_has():
    assert open_section({"tabs": "Gone"}, "tabs", LABELS) == ()
