"""PDF from server-rendered HTML (WeasyPrint; its Pango and font libraries are installed by
bin/ensure-debian-packages). The HTML is the project's own template output: WeasyPrint
is given no base URL, so it fetches nothing."""

from weasyprint import HTML


def pdf_from_html(*, html: str) -> bytes:
    """The PDF of an HTML document (A4 and margins come from its own @page rules)."""
    return HTML(string=html).write_pdf()
