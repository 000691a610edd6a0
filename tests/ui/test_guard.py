"""No exception reaches a user: the page guard and unreadable snapshot tables."""

from streamlit.testing.v1 import AppTest


def _faulty_page() -> None:
    import streamlit as st

    from dashboard.ui import components

    def page() -> None:
        st.title("Before the fault")
        raise ValueError("secret internals /srv/app/data/table.parquet")

    components.run_guarded(page)


def _stopping_page() -> None:
    import streamlit as st

    from dashboard.ui import components

    def page() -> None:
        st.title("Stops")
        st.stop()  # Streamlit's own control flow must pass through the guard untouched
        st.title("never drawn")

    components.run_guarded(page)


def test_a_fault_is_a_plain_message_with_a_reference_and_no_details(caplog):
    at = AppTest.from_function(_faulty_page).run()
    assert not at.exception
    assert at.title[0].value == "Before the fault"
    (error,) = at.error
    assert "could not be shown" in error.value
    assert "secret internals" not in error.value and "ValueError" not in error.value
    reference = error.value.split("(reference ")[1].split(")")[0]
    assert len(reference) == 8
    # The server log keeps the traceback under that reference.
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info[0] is ValueError


def test_streamlit_stop_is_not_caught():
    at = AppTest.from_function(_stopping_page).run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Stops"]
