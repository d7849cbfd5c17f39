"""Invoice PDFs: the numbered invoice rendered from an HTML template by xhtml2pdf (pure Python, from PyPI alone)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from staffroom.core.errors import ApplicationError

from .calculations import amount_in_words
from .models import Invoice

FONT_DIR = Path(__file__).resolve().parent / "fonts"


class InvoiceDocumentFailed(ApplicationError):
    status_code = 500


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.number or invoice.pk}.pdf"


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in the business's language: seller and customer, term, lines, discount, total."""
    from xhtml2pdf import pisa

    business = invoice.business
    subscription = invoice.subscription
    language = business.locale or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            "billing/invoice_pdf.html",
            {
                "invoice": invoice,
                "business": business,
                "customer_name": subscription.customer_legal_name or business.name,
                "customer_details": subscription.customer_details,
                "seller_name": settings.BILLING_SELLER_NAME,
                "seller_details": settings.BILLING_SELLER_DETAILS,
                "total_in_words": amount_in_words(invoice.total, invoice.currency, language),
                "font_regular": str(FONT_DIR / "DejaVuSans.ttf"),
                "font_bold": str(FONT_DIR / "DejaVuSans-Bold.ttf"),
            },
        )
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if result.err:
        raise InvoiceDocumentFailed("the invoice PDF could not be rendered")
    return output.getvalue()
